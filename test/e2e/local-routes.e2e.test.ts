import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, sessionIdOf } from '../support/http.js';
import { type RunningTwin, repoRoot, startTwin } from '../support/twin.js';

/** `npm start` with LOCAL_ROUTES_FILE: another team's TypeScript and Python Lambdas behind the session authorizer. */
const examplesRoutes = path.join(repoRoot, 'examples/orders/local-routes.json');
const fixtureRoutes = path.join(repoRoot, 'test/support/local-routes/routes.json');

const loggedIn = async (twin: RunningTwin, code: string) => {
  const reply = await login(twin.baseUrl, code);
  expect(reply.status).toBe(200);
  const sessionId = sessionIdOf(reply);
  const me = await call(twin.baseUrl, 'GET', '/me', { sessionId });
  return { sessionId, openid: me.body.openid as string };
};

describe('npm start with the orders example (examples/orders/local-routes.json)', () => {
  let twin: RunningTwin;
  beforeAll(async () => {
    twin = await startTwin({ LOCAL_ROUTES_FILE: examplesRoutes });
  });
  afterAll(async () => {
    await twin?.stop();
  });

  it('lists the added routes when ready', () => {
    expect(twin.output()).toMatch(/Local routes .*GET \/orders, GET \/orders\/\{id\}/);
  });

  it('serves the TypeScript handler with the caller read from the authorizer context', async () => {
    const { sessionId, openid } = await loggedIn(twin, 'olivia.1');
    const orders = await call(twin.baseUrl, 'GET', '/orders', { sessionId });
    expect(orders.status).toBe(200);
    expect(orders.body.openid).toBe(openid);
    expect(orders.body.orders).not.toHaveLength(0);
  });

  it('serves the Python handler with the path parameter echoed and the caller from the context', async () => {
    const { sessionId, openid } = await loggedIn(twin, 'oscar.1');
    const order = await call(twin.baseUrl, 'GET', '/orders/o-42', { sessionId });
    expect(order).toMatchObject({ status: 200, body: { id: 'o-42', openid } });
  });

  it('refuses both routes without a valid session: 401 without the header, 403 for an unknown or ended one', async () => {
    const { sessionId } = await loggedIn(twin, 'otto.1');
    expect((await call(twin.baseUrl, 'POST', '/logout', { sessionId })).status).toBe(204);
    for (const routePath of ['/orders', '/orders/o-1']) {
      expect((await call(twin.baseUrl, 'GET', routePath)).status).toBe(401);
      expect(await call(twin.baseUrl, 'GET', routePath, { sessionId: 'A'.repeat(43) })).toMatchObject({
        status: 403,
        body: { message: 'Forbidden' },
      });
      expect((await call(twin.baseUrl, 'GET', routePath, { sessionId })).status).toBe(403);
    }
  });
});

describe('npm start with fixture routes (test/support/local-routes)', () => {
  let twin: RunningTwin;
  let sessionId: string;
  beforeAll(async () => {
    // POST /login gets the stack's open-route throttle, here set as small as the stack's context keys allow.
    twin = await startTwin({
      LOCAL_ROUTES_FILE: fixtureRoutes,
      loginThrottleRateLimit: '1',
      loginThrottleBurstLimit: '3',
    });
    ({ sessionId } = await loggedIn(twin, 'pia.1'));
  });
  afterAll(async () => {
    await twin?.stop();
  });

  it('answers 500 once a TypeScript or Python handler outlives its timeoutSeconds, not when it wakes', async () => {
    for (const routePath of ['/slow/ts', '/slow/py']) {
      const started = Date.now();
      const reply = await call(twin.baseUrl, 'GET', routePath, { sessionId });
      expect(reply, routePath).toMatchObject({ status: 500, body: { message: 'Internal Server Error' } });
      expect(Date.now() - started, routePath).toBeLessThan(3000);
    }
    expect(twin.output()).toContain('Task timed out after 1.00 seconds');
  });

  it("reports the remaining time from the route's timeoutSeconds, in TypeScript and in Python", async () => {
    const ts = await call(twin.baseUrl, 'GET', '/echo/x', { sessionId });
    expect(ts.body.remainingMs).toBeGreaterThan(5000);
    expect(ts.body.remainingMs).toBeLessThanOrEqual(7000);
    expect(ts.body.memoryLimitInMB).toBe('128');
    const py = await call(twin.baseUrl, 'GET', '/remaining/py', { sessionId });
    expect(py.body.remainingMs).toBeGreaterThan(5000);
    expect(py.body.remainingMs).toBeLessThanOrEqual(7000);
    expect(py.body.functionName).toBe('handlers-remaining');
  });

  it('routes greedy paths and $default, with pathParameters, and leaves unauthorized routes open', async () => {
    const greedy = await call(twin.baseUrl, 'DELETE', '/echo/a/b%20c', { sessionId });
    expect(greedy.body.event).toMatchObject({ routeKey: 'ANY /echo/{proxy+}', pathParameters: { proxy: 'a/b c' } });
    expect(greedy.body.event).toMatchObject({
      requestContext: { authorizer: { lambda: { openid: expect.stringMatching(/^o/) } } },
    });
    const fallback = await call(twin.baseUrl, 'GET', '/anything/else');
    expect(fallback.status).toBe(200);
    expect(fallback.body.event).toMatchObject({ routeKey: '$default' });
    // The project's own routes still win over $default.
    expect((await call(twin.baseUrl, 'GET', '/me')).status).toBe(401);
  });

  it("answers 429 Too Many Requests once the open routes' burst is spent", async () => {
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => login(twin.baseUrl, `quinn${i}.1`)));
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(3);
    expect(replies.find((reply) => reply.status === 429)?.body).toEqual({ message: 'Too Many Requests' });
  });

  it("sends apigw-requestid, the event's time in API Gateway's format, and cookies as set-cookie headers", async () => {
    const response = await fetch(`${twin.baseUrl}/open/echo`, { method: 'POST', body: '{}' });
    const { event } = (await response.json()) as { event: { requestContext: { requestId: string; time: string } } };
    expect(response.headers.get('apigw-requestid')).toBe(event.requestContext.requestId);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
  });

  it('answers 413 for an event above 6 MB and 500 for an answer above 6 MB', async () => {
    const big = await fetch(`${twin.baseUrl}/open/echo`, { method: 'POST', body: 'x'.repeat(6 * 1024 * 1024 + 1) });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ message: 'Request Entity Too Large' });
    const huge = await fetch(`${twin.baseUrl}/open/huge-answer`);
    expect(huge.status).toBe(500);
  });
});

describe('npm start with a malformed LOCAL_ROUTES_FILE', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'local-routes-'));
  const routesFile = (name: string, content: string) => {
    const file = path.join(folder, name);
    writeFileSync(file, content);
    return file;
  };

  it('refuses to start, naming the file, the entry and the problem', async () => {
    const cases: [string, string, RegExp][] = [
      ['not-json.json', '{', /not valid JSON/],
      ['not-array.json', '{"route":"GET /x"}', /must hold a JSON array/],
      ['bad-route.json', '[{"route":"FETCH /x","handler":"h.ts#handler"}]', /entry 1 \("FETCH \/x"\).*unknown method/],
      ['missing-file.json', '[{"route":"GET /x","handler":"nowhere.py#handler"}]', /nowhere\.py does not exist/],
      ['typo.json', '[{"route":"GET /x","handler":"h.ts#handler","timeout":3}]', /unknown field "timeout"/],
    ];
    for (const [name, content, problem] of cases) {
      const file = routesFile(name, content);
      const failure = await startTwin({ LOCAL_ROUTES_FILE: file }).then(
        async (twin) => {
          await twin.stop();
          return 'started';
        },
        (error: Error) => error.message
      );
      expect(failure, name).toContain(`The local twin could not start: LOCAL_ROUTES_FILE ${file}`);
      expect(failure, name).toMatch(problem);
    }
  });

  it('refuses a handler file without the named export, in TypeScript and in Python', async () => {
    writeFileSync(path.join(folder, 'h.ts'), 'export const other = async () => ({});\n');
    writeFileSync(path.join(folder, 'h.py'), 'def other(event, context):\n    return {}\n');
    for (const handler of ['h.ts#handler', 'h.py#handler']) {
      const file = routesFile('no-export.json', JSON.stringify([{ route: 'GET /x', handler }]));
      const failure = await startTwin({ LOCAL_ROUTES_FILE: file }).then(
        async (twin) => {
          await twin.stop();
          return 'started';
        },
        (error: Error) => error.message
      );
      expect(failure, handler).toMatch(/could not start: LOCAL_ROUTES_FILE route "GET \/x".*handler/);
    }
  });
});
