import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSessionId } from '../../functions/shared/sessions/session-id.js';
import { createTestTable, testDocumentClient } from '../support/dynamodb.js';
import { call, login, sessionIdOf } from '../support/http.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/** The twin as a developer runs it (`npm start`), driven over HTTP. */
const db = testDocumentClient();

describe('npm start: the whole API over HTTP', () => {
  let twin: RunningTwin;
  beforeAll(async () => {
    twin = await startTwin();
  });
  afterAll(async () => {
    await twin?.stop();
  });

  it('prints the URL, the table and a curl example when ready', () => {
    expect(twin.output()).toContain(`Local API ready on ${twin.baseUrl}`);
    expect(twin.output()).toContain(twin.tableName);
    expect(twin.output()).toMatch(/curl .*\/login/);
  });

  it('logs in, serves the protected routes, logs out, then refuses the id', async () => {
    const loggedIn = await login(twin.baseUrl, 'alice.1');
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body).toEqual({
      sessionId: expect.stringMatching(/^[\w-]{43}$/),
      expiresAt: expect.any(String),
      isNewUser: true,
    });
    const sessionId: string = sessionIdOf(loggedIn);

    const me = await call(twin.baseUrl, 'GET', '/me', { sessionId });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ openid: expect.stringMatching(/^o[\w-]{27}$/), appId: 'wx00000000local000' });

    const products = await call(twin.baseUrl, 'GET', '/products', { sessionId });
    expect(products.status).toBe(200);
    expect(Array.isArray(products.body)).toBe(true);
    expect(products.body.length).toBeGreaterThan(0);

    expect((await call(twin.baseUrl, 'POST', '/logout', { sessionId })).status).toBe(204);
    expect((await call(twin.baseUrl, 'GET', '/me', { sessionId })).status).toBe(403);
    expect((await call(twin.baseUrl, 'POST', '/logout', { sessionId })).status).toBe(403);
  });

  it('maps two codes of one user to one openid and gives each login its own session', async () => {
    const first = await login(twin.baseUrl, 'bob.1');
    const second = await login(twin.baseUrl, 'bob.2');
    const other = await login(twin.baseUrl, 'carol.1');
    const openid = async (sessionId: string) => (await call(twin.baseUrl, 'GET', '/me', { sessionId })).body.openid;
    expect(sessionIdOf(first)).not.toBe(sessionIdOf(second));
    expect(await openid(sessionIdOf(first))).toBe(await openid(sessionIdOf(second)));
    expect(await openid(sessionIdOf(other))).not.toBe(await openid(sessionIdOf(first)));
  });

  it('answers 401 without a session header and 403 for unknown or malformed ids', async () => {
    for (const path of ['/me', '/products']) {
      const missing = await call(twin.baseUrl, 'GET', path);
      expect(missing.status).toBe(401);
      expect((await call(twin.baseUrl, 'GET', path, { sessionId: 'A'.repeat(43) })).status).toBe(403);
      expect((await call(twin.baseUrl, 'GET', path, { sessionId: 'not-a-session' })).status).toBe(403);
    }
    expect((await call(twin.baseUrl, 'POST', '/logout')).status).toBe(401);
  });

  it('refuses bad login bodies with 400 bad_request and writes nothing', async () => {
    const before = (await db.send(new ScanCommand({ TableName: twin.tableName }))).Items?.length ?? 0;
    const bodies = ['not json', '{}', '{"code":""}', '{"code":42}', `{"code":"${'x'.repeat(129)}"}`, '[]', 'null'];
    for (const body of bodies) {
      const reply = await call(twin.baseUrl, 'POST', '/login', { body });
      expect(reply.status, body).toBe(400);
      expect(reply.body).toEqual({ error: 'bad_request', message: expect.any(String) });
    }
    const noBody = await call(twin.baseUrl, 'POST', '/login');
    expect(noBody.status).toBe(400);
    const huge = await call(twin.baseUrl, 'POST', '/login', {
      body: JSON.stringify({ code: 'a', pad: 'x'.repeat(17 * 1024) }),
    });
    expect(huge.status).toBe(413);
    const after = (await db.send(new ScanCommand({ TableName: twin.tableName }))).Items?.length ?? 0;
    expect(after).toBe(before);
  });

  it("maps the WeChat stub's errors to the contract", async () => {
    const cases: [string, number, string][] = [
      ['invalid-code', 401, 'invalid_code'],
      ['errcode40226.1', 403, 'user_blocked'],
      ['errcode45011.1', 429, 'rate_limited'],
      ['errcode-1.1', 503, 'wechat_busy'],
    ];
    for (const [code, status, error] of cases) {
      const reply = await login(twin.baseUrl, code);
      expect(reply.status, code).toBe(status);
      expect(reply.body.error).toBe(error);
    }
    const first = await login(twin.baseUrl, 'dora.1');
    expect(first.status).toBe(200);
    // The same code again is a retry after a lost reply: the same session (replay-safe login).
    expect((await login(twin.baseUrl, 'dora.1')).body).toEqual(first.body);
    // Once that session is logged out, the spent code is refused as WeChat refuses it.
    expect((await call(twin.baseUrl, 'POST', '/logout', { sessionId: sessionIdOf(first) })).status).toBe(204);
    const reused = await login(twin.baseUrl, 'dora.1');
    expect(reused).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    // WeChat busy once: the login Lambda retries once and succeeds.
    expect((await login(twin.baseUrl, 'errcode-1once.erin')).status).toBe(200);
  });

  it('answers 404 for a route that is not in the route table', async () => {
    expect((await call(twin.baseUrl, 'GET', '/nowhere')).status).toBe(404);
    expect((await call(twin.baseUrl, 'GET', '/login')).status).toBe(404);
  });

  it('writes one access-log line per request and never a session id', async () => {
    // Only this test's two routes: a line of the previous test's 404s may still be on its way in.
    const from = twin.output().length;
    const accessLines = () =>
      twin
        .output()
        .slice(from)
        .split('\n')
        .filter((line) => /^(POST \/login|GET \/me) \d{3} [\d.]+ms$/.test(line));
    const loggedIn = await login(twin.baseUrl, 'frank.1');
    await call(twin.baseUrl, 'GET', '/me', { sessionId: sessionIdOf(loggedIn) });
    // The line is printed after the answer is sent, so it may reach us just after the reply does.
    for (let waited = 0; accessLines().length < 2 && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(accessLines().map((line) => line.replace(/ [\d.]+ms$/, ''))).toEqual(['POST /login 200', 'GET /me 200']);
    expect(twin.output()).not.toContain(sessionIdOf(loggedIn));
  });
});

describe('npm start with a short SESSION_TTL_SECONDS', () => {
  it('refuses a session once it expired, though its item is still in the table', async () => {
    // TTL deletion off, as good as AWS's days-late deletion: the denial must come from the authorizer's own check.
    const tableName = await createTestTable({ ttl: false });
    const twin = await startTwin({ SESSION_TTL_SECONDS: '2', TABLE_NAME: tableName });
    try {
      const loggedIn = await login(twin.baseUrl, 'grace.1');
      const sessionId: string = sessionIdOf(loggedIn);
      expect((await call(twin.baseUrl, 'GET', '/me', { sessionId })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 3100));
      const item = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `session#${hashSessionId(sessionId)}` },
          ConsistentRead: true,
        })
      );
      expect(item.Item).toBeDefined();
      expect((await call(twin.baseUrl, 'GET', '/me', { sessionId })).status).toBe(403);
    } finally {
      await twin.stop();
    }
  });
});

describe('npm start with AUTHORIZER_CACHE_TTL_SECONDS', () => {
  it('caches the authorizer result per header value, as API Gateway does', async () => {
    const twin = await startTwin({ AUTHORIZER_CACHE_TTL_SECONDS: '300' });
    try {
      const loggedIn = await login(twin.baseUrl, 'heidi.1');
      const sessionId = sessionIdOf(loggedIn);
      expect((await call(twin.baseUrl, 'GET', '/me', { sessionId })).status).toBe(200);
      // The cached allow outlives the logout: exactly the trade-off the README documents for the cache.
      expect((await call(twin.baseUrl, 'POST', '/logout', { sessionId })).status).toBe(204);
      const item = await db.send(
        new GetCommand({ TableName: twin.tableName, Key: { pk: `session#${hashSessionId(sessionId)}` } })
      );
      expect(item.Item).toBeUndefined();
      expect((await call(twin.baseUrl, 'GET', '/me', { sessionId })).status).toBe(200);
    } finally {
      await twin.stop();
    }
  });
});
