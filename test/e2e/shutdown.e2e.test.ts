import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { login } from '../support/http.js';
import { startTwin } from '../support/twin.js';

/** Every process in the twin's process group (npm, the shell, tsx, node, DynamoDB Local's java). */
const processesInGroup = (groupId: number): string[] => {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,comm='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, pgid]) => Number(pgid) === groupId)
    .map(([pid, , comm]) => `${pid} ${comm}`);
};

describe('stopping the twin', () => {
  // Its own DynamoDB Local: Java's startup alone took 24 s on this machine under the full suite's load.
  it("leaves no process behind after SIGTERM, DynamoDB Local's Java included", { timeout: 120_000 }, async () => {
    const twin = await startTwin({}, { ownDynamoDb: true });
    const groupId = twin.process.pid!;
    expect((await login(twin.baseUrl, 'ivan.1')).status).toBe(200);
    const running = processesInGroup(groupId);
    expect(running.some((line) => line.endsWith('java'))).toBe(true);

    await twin.stop();
    const deadline = Date.now() + 10_000;
    while (processesInGroup(groupId).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(processesInGroup(groupId)).toEqual([]);
  });
});
