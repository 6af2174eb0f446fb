import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalApi, type HostedRoute, type LambdaHandler } from '../../../../infra/local/api-server.js';
import type { LocalFunction } from '../../../../infra/local/lambda-runtime.js';

/** The twin's API Gateway rules, with stand-in Lambdas so each rule is seen on its own. */
type Event = APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown> | undefined>;
const fn = (name: string, timeoutSeconds = 5): LocalFunction => ({ name, timeoutSeconds, memorySizeMb: 256 });
const defaultRoutes: HostedRoute[] = [
  { routeKey: 'POST /open', fn: fn('open'), authorized: false },
  { routeKey: 'GET /closed', fn: fn('closed'), authorized: true },
];

let close: (() => void) | undefined;
afterEach(() => close?.());

interface ServeOptions {
  cacheSeconds?: number;
  routes?: HostedRoute[];
  handlers?: Record<string, LambdaHandler>;
  authorizerTimeoutSeconds?: number;
  integrationTimeoutMs?: number;
  trustForwardedFor?: boolean;
}

const serve = async (authorizer: LambdaHandler, options: ServeOptions = {}) => {
  const calls = { authorizer: 0, events: [] as Event[], contexts: [] as Context[], errors: [] as string[] };
  const handlers: Record<string, LambdaHandler> = {
    authorizer: async (event, context) => {
      calls.authorizer += 1;
      return authorizer(event, context);
    },
    open: async (event) => {
      calls.events.push(event as Event);
      return { statusCode: 201, body: 'made' };
    },
    closed: async (event, context) => {
      calls.events.push(event as Event);
      calls.contexts.push(context);
      return { seen: (event as Event).requestContext.authorizer?.lambda };
    },
    ...options.handlers,
  };
  const server = createLocalApi({
    routes: options.routes ?? defaultRoutes,
    authorizer: fn('authorizer', options.authorizerTimeoutSeconds ?? 5),
    loadHandler: async (name) => handlers[name]!,
    authorizerCacheTtlSeconds: options.cacheSeconds ?? 0,
    errorLog: (line) => calls.errors.push(line),
    ...(options.integrationTimeoutMs ? { integrationTimeoutMs: options.integrationTimeoutMs } : {}),
    ...(options.trustForwardedFor !== undefined ? { trustForwardedFor: options.trustForwardedFor } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => server.close();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (headers: Record<string, string> = {}, path = '/closed') => {
    const response = await fetch(`${base}${path}`, { headers });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return { base, calls, get };
};

const allow: LambdaHandler = async () => ({ isAuthorized: true, context: { openid: 'o-1' } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the local API Gateway', () => {
  const sourceIpSeen = async (api: Awaited<ReturnType<typeof serve>>, headers: Record<string, string>) => {
    await fetch(`${api.base}/open`, { method: 'POST', headers, body: '{}' });
    return api.calls.events.at(-1)?.requestContext.http.sourceIp;
  };

  it('takes the client IP from the socket, ignoring an X-Forwarded-For a client could set, unless told to trust it', async () => {
    const api = await serve(allow);
    expect(await sourceIpSeen(api, { 'X-Forwarded-For': '203.0.113.5' })).toBe('127.0.0.1');
  });

  it('with trustForwardedFor, takes the first X-Forwarded-For entry, and the socket when there is none', async () => {
    const api = await serve(allow, { trustForwardedFor: true });
    expect(await sourceIpSeen(api, { 'X-Forwarded-For': '203.0.113.5, 10.0.0.1' })).toBe('203.0.113.5');
    expect(await sourceIpSeen(api, {})).toBe('127.0.0.1');
  });

  it('answers 401 without the session header and never invokes the authorizer', async () => {
    const api = await serve(allow);
    expect(await api.get()).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    expect(api.calls.authorizer).toBe(0);
  });

  it('passes an allow on with its context as requestContext.authorizer.lambda', async () => {
    const api = await serve(allow);
    expect(await api.get({ 'X-Session-Id': 'abc' })).toEqual({ status: 200, body: { seen: { openid: 'o-1' } } });
  });

  it('answers 403 for isAuthorized: false', async () => {
    const api = await serve(async () => ({ isAuthorized: false }));
    expect(await api.get({ 'X-Session-Id': 'abc' })).toEqual({ status: 403, body: { message: 'Forbidden' } });
  });

  it('answers 500 when the authorizer throws or answers something that is not a simple response', async () => {
    const throwing = await serve(async () => {
      throw new Error('DynamoDB down');
    });
    expect((await throwing.get({ 'X-Session-Id': 'abc' })).status).toBe(500);
    close?.();
    const malformed = await serve(async () => ({ allowed: 'yes' }));
    expect((await malformed.get({ 'X-Session-Id': 'abc' })).status).toBe(500);
    expect(malformed.calls.events).toHaveLength(0);
  });

  it('calls the authorizer on every request without a cache, and once per header value with one', async () => {
    const uncached = await serve(allow);
    await uncached.get({ 'X-Session-Id': 'abc' });
    await uncached.get({ 'X-Session-Id': 'abc' });
    expect(uncached.calls.authorizer).toBe(2);
    close?.();
    const cached = await serve(allow, { cacheSeconds: 300 });
    await cached.get({ 'X-Session-Id': 'abc' });
    await cached.get({ 'X-Session-Id': 'abc' });
    await cached.get({ 'X-Session-Id': 'other' });
    expect(cached.calls.authorizer).toBe(2);
  });

  it('delivers payload 2.0 events: lower-cased headers, route key, text bodies as text', async () => {
    const api = await serve(allow);
    const response = await fetch(`${api.base}/open?a=1&a=2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'v' },
      body: '{"code":"x"}',
    });
    expect(response.status).toBe(201);
    const [event] = api.calls.events;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /open',
      rawPath: '/open',
      rawQueryString: 'a=1&a=2',
      queryStringParameters: { a: '1,2' },
      body: '{"code":"x"}',
      isBase64Encoded: false,
      headers: { 'content-type': 'application/json', 'x-custom': 'v' },
    });
    expect(event?.pathParameters).toBeUndefined();
  });

  it('answers 404 for a method or path not in the route table', async () => {
    const api = await serve(allow);
    expect((await fetch(`${api.base}/open`)).status).toBe(404);
    expect((await fetch(`${api.base}/elsewhere`, { method: 'POST' })).status).toBe(404);
  });

  it("sends the same apigw-requestid header as the event's requestContext.requestId", async () => {
    const api = await serve(allow);
    const response = await fetch(`${api.base}/open`, { method: 'POST' });
    const requestId = response.headers.get('apigw-requestid');
    expect(requestId).toMatch(/^[A-Za-z0-9+/]{14}[A-Za-z0-9+/=]{2}$/);
    expect(api.calls.events[0]?.requestContext.requestId).toBe(requestId);
    const notFound = await fetch(`${api.base}/nowhere`);
    expect(notFound.headers.get('apigw-requestid')).toMatch(/^\S{16}$/);
    expect(notFound.headers.get('apigw-requestid')).not.toBe(requestId);
  });
});

describe('the local API Gateway: routing', () => {
  const routes: HostedRoute[] = [
    { routeKey: 'GET /orders/{id}', fn: fn('closed'), authorized: true },
    { routeKey: 'ANY /files/{proxy+}', fn: fn('closed'), authorized: true },
    { routeKey: '$default', fn: fn('closed'), authorized: true },
  ];

  it('hands path variables to both the authorizer and the function as pathParameters, decoded', async () => {
    const seen: unknown[] = [];
    const api = await serve(
      async (event) => {
        seen.push(event);
        return { isAuthorized: true, context: {} };
      },
      { routes }
    );
    expect((await api.get({ 'X-Session-Id': 'abc' }, '/orders/a%20b')).status).toBe(200);
    expect(api.calls.events[0]).toMatchObject({ routeKey: 'GET /orders/{id}', pathParameters: { id: 'a b' } });
    expect(seen[0]).toMatchObject({ routeKey: 'GET /orders/{id}', pathParameters: { id: 'a b' } });
    await api.get({ 'X-Session-Id': 'abc' }, '/files/x/y.txt');
    expect(api.calls.events[1]).toMatchObject({
      routeKey: 'ANY /files/{proxy+}',
      pathParameters: { proxy: 'x/y.txt' },
    });
    await api.get({ 'X-Session-Id': 'abc' }, '/somewhere/else');
    expect(api.calls.events[2]?.routeKey).toBe('$default');
    expect(api.calls.events[2]?.pathParameters).toBeUndefined();
  });
});

describe('the local API Gateway: limits', () => {
  it("ends an invocation at the function's timeout with 500, after reporting the remaining time it had", async () => {
    const api = await serve(allow, {
      routes: [{ routeKey: 'GET /slow', fn: fn('slow', 1), authorized: false }],
      handlers: {
        slow: async (_event, context) => {
          api.calls.contexts.push(context);
          await sleep(3000);
          return { statusCode: 200, body: 'too late' };
        },
      },
    });
    const started = Date.now();
    expect(await api.get({}, '/slow')).toEqual({ status: 500, body: { message: 'Internal Server Error' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(2500);
    const [context] = api.calls.contexts;
    expect(context?.getRemainingTimeInMillis()).toBe(0);
    expect(api.calls.errors.join('\n')).toContain('Task timed out after 1.00 seconds');
  });

  it('gives the function its deployed timeout as remaining time and its memory size', async () => {
    let remaining = -1;
    let memory = '';
    const api = await serve(allow, {
      routes: [{ routeKey: 'GET /timed', fn: fn('timed', 17), authorized: false }],
      handlers: {
        timed: async (_event, context) => {
          remaining = context.getRemainingTimeInMillis();
          memory = context.memoryLimitInMB;
          return {};
        },
      },
    });
    expect((await api.get({}, '/timed')).status).toBe(200);
    expect(remaining).toBeGreaterThan(16_000);
    expect(remaining).toBeLessThanOrEqual(17_000);
    expect(memory).toBe('256');
  });

  it('answers 500 when the authorizer outlives its own timeout, and never calls the function', async () => {
    const api = await serve(
      async () => {
        await sleep(2000);
        return { isAuthorized: true, context: {} };
      },
      { authorizerTimeoutSeconds: 1 }
    );
    expect(await api.get({ 'X-Session-Id': 'abc' })).toEqual({
      status: 500,
      body: { message: 'Internal Server Error' },
    });
    expect(api.calls.events).toHaveLength(0);
  });

  it('answers 503 when the integration limit passes before the function answers', async () => {
    const api = await serve(allow, {
      routes: [{ routeKey: 'GET /slow', fn: fn('slow', 10), authorized: false }],
      handlers: { slow: () => sleep(2000).then(() => ({})) },
      integrationTimeoutMs: 300,
    });
    expect(await api.get({}, '/slow')).toEqual({ status: 503, body: { message: 'Service Unavailable' } });
  });

  it('answers 500 when the function throws, and logs the error', async () => {
    const api = await serve(allow, {
      routes: [{ routeKey: 'GET /broken', fn: fn('broken'), authorized: false }],
      handlers: {
        broken: async () => {
          throw new TypeError('no such thing');
        },
      },
    });
    expect(await api.get({}, '/broken')).toEqual({ status: 500, body: { message: 'Internal Server Error' } });
    expect(api.calls.errors.join('\n')).toContain('TypeError: no such thing');
  });
});

describe('the local API Gateway: throttles and payload limits', () => {
  const echo: LambdaHandler = async (event) => ({
    statusCode: 200,
    cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
    body: JSON.stringify(event),
  });

  it("answers 429 Too Many Requests once a route's burst is spent, per route, before the authorizer", async () => {
    const api = await serve(allow, {
      routes: [
        { routeKey: 'GET /closed', fn: fn('closed'), authorized: true, throttle: { rateLimit: 1, burstLimit: 2 } },
        { routeKey: 'POST /open', fn: fn('open'), authorized: false, throttle: { rateLimit: 1, burstLimit: 1 } },
      ],
    });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await api.get({ 'X-Session-Id': 'abc' })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(await api.get({ 'X-Session-Id': 'abc' })).toEqual({ status: 429, body: { message: 'Too Many Requests' } });
    expect(api.calls.authorizer).toBe(2);
    // Another route has its own bucket.
    expect((await fetch(`${api.base}/open`, { method: 'POST' })).status).toBe(201);
  });

  it('answers 413 for a body above 10 MB, and for an event above 6 MB, without invoking the function', async () => {
    const api = await serve(allow);
    const tooLargeForGateway = await fetch(`${api.base}/open`, {
      method: 'POST',
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expect(tooLargeForGateway.status).toBe(413);
    expect(await tooLargeForGateway.json()).toEqual({ message: 'Request Entity Too Large' });
    // 5 MB of binary is about 6.7 MB once base64-encoded into the event.
    const binary = await fetch(`${api.base}/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(5 * 1024 * 1024, 1),
    });
    expect(binary.status).toBe(413);
    expect(api.calls.events).toHaveLength(0);
    const fits = await fetch(`${api.base}/open`, { method: 'POST', body: 'x'.repeat(5 * 1024 * 1024) });
    expect(fits.status).toBe(201);
  });

  it('answers 500 when the function answers more than 6 MB', async () => {
    const api = await serve(allow, {
      routes: [{ routeKey: 'GET /huge', fn: fn('huge'), authorized: false }],
      handlers: { huge: async () => ({ statusCode: 200, body: 'x'.repeat(6 * 1024 * 1024 + 1) }) },
    });
    expect(await api.get({}, '/huge')).toEqual({ status: 500, body: { message: 'Internal Server Error' } });
  });

  it('sends response cookies as set-cookie headers and joins repeated request headers with commas', async () => {
    const api = await serve(allow, {
      routes: [{ routeKey: 'GET /echo', fn: fn('echo'), authorized: false }],
      handlers: { echo },
    });
    const { port } = new URL(api.base);
    const reply = await new Promise<{ setCookie: string[] | undefined; event: Event }>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          path: '/echo',
          // Raw header lines: each name twice, as a client or proxy may send them.
          headers: [
            'host',
            `127.0.0.1:${port}`,
            'x-dup',
            'one',
            'x-dup',
            'two',
            'user-agent',
            'ua1',
            'user-agent',
            'ua2',
            'cookie',
            'k=1; j=2',
          ],
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () => {
            try {
              resolve({ setCookie: res.headers['set-cookie'], event: JSON.parse(text) as Event });
            } catch (error) {
              reject(new Error(`${res.statusCode}: ${text} (${String(error)})`));
            }
          });
        }
      );
      req.on('error', reject);
      req.end();
    });
    expect(reply.setCookie).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(reply.event.headers['x-dup']).toBe('one,two');
    expect(reply.event.headers['user-agent']).toBe('ua1,ua2');
    expect(reply.event.cookies).toEqual(['k=1', 'j=2']);
    expect(reply.event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });
});
