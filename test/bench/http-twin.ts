import { type ChildProcess, spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { SESSION_HEADER } from '../../functions/shared/contract/routes.js';
import { freePort } from '../../infra/local/dynamodb-local.js';
import { UNTHROTTLED } from '../support/unthrottled.js';

/**
 * The API over HTTP on loopback: the local twin (`npm start`, the deployed handlers behind an API Gateway stand-in)
 * under autocannon, bounded in time and connections.
 *
 * The twin has no route without the authorizer that is comparable to GET /me (POST /login calls WeChat and writes a
 * session). So GET /me runs twice: authorizer on every request, and the same route with API Gateway's authorizer
 * cache on (the authorizer runs once, then every request goes straight to the `me` Lambda). Same route, same
 * gateway code, same Lambda: the only difference is the authorizer and its DynamoDB read. An unrouted path (404
 * from the gateway, no Lambda at all) shows the twin's own floor.
 */
interface Twin {
  baseUrl: string;
  stop: () => Promise<void>;
}

interface LoadResult {
  label: string;
  requestsPerSecond: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  unexpectedStatus: number;
  errors: number;
}

const startTwin = async (env: Record<string, string>): Promise<Twin> => {
  const port = await freePort();
  const child: ChildProcess = spawn('npm', ['start'], {
    env: { ...process.env, ...UNTHROTTLED, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopping reaches npm, tsx and node alike.
    detached: true,
  });
  let output = '';
  // Always drained: one access-log line per request would otherwise fill the pipe and stall the twin.
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the twin did not start within 90 s:\n${output}`)), 90_000);
    child.stdout?.on('data', () => {
      const match = output.match(/Local API ready on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the twin exited (${code}):\n${output}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-child.pid!, 'SIGTERM');
    const force = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, 10_000);
    await exited;
    clearTimeout(force);
  };
  return { baseUrl, stop };
};

const loginOnce = async (baseUrl: string, code: string): Promise<string> => {
  const response = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const body = (await response.json()) as { sessionId?: string };
  if (response.status !== 200 || !body.sessionId) throw new Error(`login failed with ${response.status}`);
  return body.sessionId;
};

const load = async (
  label: string,
  url: string,
  headers: Record<string, string>,
  expectedStatus: number,
  options: { connections: number; seconds: number }
): Promise<LoadResult> => {
  // A short unrecorded run first: JIT, connection pools and the handlers' first calls are not the steady state.
  await autocannon({ url, headers, connections: options.connections, duration: 1 });
  let unexpectedStatus = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, headers, connections: options.connections, duration: options.seconds },
      (error, finished) => (error ? reject(error) : resolve(finished))
    );
    instance.on('response', (_client, statusCode) => {
      if (statusCode !== expectedStatus) unexpectedStatus += 1;
    });
  });
  return {
    label,
    requestsPerSecond: result.requests.average,
    meanMs: result.latency.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    unexpectedStatus,
    errors: result.errors + result.timeouts,
  };
};

const measureHttp = async (options: {
  env: Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<LoadResult[]> => {
  // Both twins run side by side, so the two GET /me runs meet the same machine state.
  const [perRequest, cached] = await Promise.all([
    startTwin({ ...options.env, AUTHORIZER_CACHE_TTL_SECONDS: '0' }),
    startTwin({ ...options.env, AUTHORIZER_CACHE_TTL_SECONDS: '3600' }),
  ]);
  try {
    const stamp = Date.now();
    const direct = { [SESSION_HEADER]: await loginOnce(perRequest.baseUrl, `bench-http-${stamp}.1`) };
    const viaCache = { [SESSION_HEADER]: await loginOnce(cached.baseUrl, `bench-http-${stamp}.2`) };
    return [
      await load('GET /me, authorizer on every request', `${perRequest.baseUrl}/me`, direct, 200, options),
      await load('GET /me, authorizer cached (not called)', `${cached.baseUrl}/me`, viaCache, 200, options),
      await load('unrouted path → 404 (no Lambda)', `${perRequest.baseUrl}/bench-unrouted`, {}, 404, options),
    ];
  } finally {
    await Promise.all([perRequest.stop(), cached.stop()]);
  }
};

export type { LoadResult };
export { measureHttp };
