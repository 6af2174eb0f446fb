import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertJavaAvailable } from '../../../../infra/local/dynamodb-local.js';
import { repoRoot } from '../../../support/twin.js';

/**
 * Without Java, the tests and the twin must stop with a message that says so, never skip. A PATH that holds only the
 * named commands stands in for a machine without Java.
 */
const pathWithOnly = (...commands: string[]) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'no-java-'));
  for (const command of commands) symlinkSync(`/usr/bin/${command}`, path.join(dir, command));
  return dir;
};

describe('when Java is missing', () => {
  const originalPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = originalPath;
  });

  it('DynamoDB Local refuses to start, naming Java and how to install it', () => {
    process.env.PATH = pathWithOnly();
    expect(() => assertJavaAvailable()).toThrow(/Java was not found.*openjdk-17-jre-headless/s);
  });

  it('.ci/run fails before installing anything, saying Java is missing', () => {
    const result = spawnSync('/bin/bash', [path.join(repoRoot, '.ci/run')], {
      env: { PATH: pathWithOnly('dirname'), CI: 'true' },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Java was not found/);
  });
});
