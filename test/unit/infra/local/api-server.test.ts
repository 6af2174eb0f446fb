import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RouteDefinition } from '../../../../functions/shared/contract/routes.js';
import { createLocalApi, type LambdaHandler } from '../../../../infra/local/api-server.js';

/** The twin's API Gateway rules, with stand-in Lambdas so each rule is seen on its own. */
const routes: RouteDefinition[] = [
  { method: 'POST', path: '/open', fn: 'open', authorized: false },
  { method: 'GET', path: '/closed', fn: 'closed', authorized: true },
];

let close: (() => void) | undefined;
afterEach(() => close?.());

const serve = async (authorizer: LambdaHandler, cacheSeconds = 0) => {
  const calls = { authorizer: 0, events: [] as any[] };
  const handlers: Record<string, LambdaHandler> = {
    authorizer: async (event, context) => {
      calls.authorizer += 1;
      return authorizer(event, context);
    },
    open: async (event) => {
      calls.events.push(event);
      return { statusCode: 201, body: 'made' };
    },
    closed: async (event) => {
      calls.events.push(event);
      return { seen: (event as any).requestContext.authorizer?.lambda };
    },
  };
  const server = createLocalApi({
    routes,
    loadHandler: async (name) => handlers[name]!,
    authorizerCacheTtlSeconds: cacheSeconds,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => server.close();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}/closed`, { headers });
    return { status: response.status, body: await response.json() };
  };
  return { base, calls, get };
};

const allow: LambdaHandler = async () => ({ isAuthorized: true, context: { openid: 'o-1' } });

describe('the local API Gateway', () => {
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
    const cached = await serve(allow, 300);
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
  });

  it('answers 404 for a method or path not in the route table', async () => {
    const api = await serve(allow);
    expect((await fetch(`${api.base}/open`)).status).toBe(404);
    expect((await fetch(`${api.base}/elsewhere`, { method: 'POST' })).status).toBe(404);
  });
});
