import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { freePort } from '../../infra/local/dynamodb-local.js';
import { UNTHROTTLED } from './unthrottled.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface RunningTwin {
  baseUrl: string;
  tableName: string;
  dynamodbEndpoint: string;
  /** Everything the twin printed so far, stdout and stderr. */
  output: () => string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

interface StartTwinOptions {
  /** Let the twin start its own DynamoDB Local instead of sharing the test run's. */
  ownDynamoDb?: boolean;
  timeoutMs?: number;
}

/**
 * Starts the local twin the way a developer does, `npm start`, on a free port, and waits until it serves.
 * By default it shares the run's DynamoDB Local with a table of its own.
 */
const startTwin = async (env: Record<string, string> = {}, options: StartTwinOptions = {}): Promise<RunningTwin> => {
  const port = await freePort();
  const tableName = env.TABLE_NAME ?? `twin-${randomUUID().slice(0, 8)}`;
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    ...UNTHROTTLED,
    ...env,
    PORT: String(port),
    TABLE_NAME: tableName,
  };
  // The test run's own settings must not leak into the twin: it makes its own stub and app identity.
  for (const name of [
    'WECHAT_API_BASE_URL',
    'WECHAT_API_BASE_URLS',
    'WECHAT_HOST_BREAKER_SECONDS',
    'WECHAT_APP_ID',
    'WECHAT_APP_SECRET',
    'DYNAMODB_ENDPOINT',
  ]) {
    if (!(name in env)) delete childEnv[name];
  }
  if (!options.ownDynamoDb && !env.DYNAMODB_ENDPOINT) childEnv.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');

  const child = spawn('npm', ['start'], {
    cwd: repoRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`twin did not start in time:\n${output}`)),
      options.timeoutMs ?? 60_000
    );
    const check = () => {
      const match = output.match(/Local API ready on (http:\/\/\S+)[\s\S]*?DynamoDB:\s+(\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`twin exited with code ${code}:\n${output}`));
    });
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      // Last resort, so a broken shutdown cannot leave processes behind the test run.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, 15_000);
    await exited;
    clearTimeout(timer);
  };

  return {
    baseUrl: ready[1]!,
    dynamodbEndpoint: ready[2]!,
    tableName,
    output: () => output,
    process: child,
    stop,
  };
};

export type { RunningTwin };
export { repoRoot, startTwin };
