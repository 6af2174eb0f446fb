import { DynamoDBClient, ProvisionedThroughputExceededException, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../../functions/login/handler.js';
import { createLoginLimit } from '../../../../functions/shared/composition-roots/limits.js';
import { RateLimiter } from '../../../../functions/shared/limits/rate-limiter.js';
import { DynamoDbSessionPersistence } from '../../../../functions/shared/sessions/dynamodb-session-persistence.js';
import { hashSessionId } from '../../../../functions/shared/sessions/session-id.js';
import { SessionPolicy } from '../../../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../../../functions/shared/sessions/session-store.js';
import { WeChatApps } from '../../../../functions/shared/wechat/apps.js';
import { WeChatClient, type WeChatClientOptions } from '../../../../functions/shared/wechat/client.js';
import { httpEvent, lambdaContext } from '../../../support/events.js';
import { fakeFetch, type ScriptedReply } from '../../../support/fakes/fake-fetch.js';
import { InMemoryCounterStore } from '../../../support/fakes/in-memory-counter-store.js';
import { InMemorySessionPersistence } from '../../../support/fakes/in-memory-session-persistence.js';
import { logsDuring } from '../../../support/log-capture.js';

const TTL = 7 * 24 * 60 * 60;
const MAX_AGE = 30 * 24 * 60 * 60;
const NOW_MS = Date.UTC(2026, 0, 1, 8, 0, 0);
const SECRET = 'login-test-secret-7f3a9c';
const SESSION_KEY = 'c2Vzc2lvbi1rZXktMTY=';
const OK = { openid: 'oUser123', session_key: SESSION_KEY };
/** Login attempts per client IP per minute in these tests. */
const LIMIT = 5;
const APP_A = 'wx0123456789abcdef';
const APP_B = 'wxfedcba9876543210';

/** The configured apps, each client built with `options` (a scripted fetch), as the login function builds them. */
const appsWith = (options: Partial<WeChatClientOptions>, appIds: string[] = [APP_A]) =>
  new WeChatApps(
    appIds,
    (appId) => new WeChatClient({ ...options, appId, appSecret: async () => `${SECRET}-${appId}` })
  );

/** The login function wired to an in-memory table and a scripted WeChat, as in production but without I/O. */
const setup = (script: ScriptedReply[] = [OK], appIds: string[] = [APP_A]) => {
  const persistence = new InMemorySessionPersistence();
  const sessions = new SessionStore(persistence, new SessionPolicy(TTL, MAX_AGE), () => NOW_MS);
  const wechatFetch = fakeFetch(...script);
  const apps = appsWith(
    {
      busyRetryDelayMs: 1,
      // Short only where a call is meant to hang, so a slow machine cannot turn a scripted reply into a timeout.
      timeoutMs: script.includes('hang') ? 50 : 3000,
      fetch: wechatFetch.fetch,
    },
    appIds
  );
  const counters = new InMemoryCounterStore();
  const attempts = new RateLimiter(counters, { name: 'login', limit: LIMIT, windowSeconds: 60 }, () => NOW_MS);
  const handler = createHandler({ sessions, apps, attempts });
  const invoke = (event: APIGatewayProxyEventV2) => handler(event, lambdaContext('login'));
  return { persistence, counters, wechatCalls: wechatFetch.calls, invoke };
};

const loginEvent = (body: string | undefined, extra: Partial<Parameters<typeof httpEvent>[0]> = {}) =>
  httpEvent({ method: 'POST', path: '/login', ...(body !== undefined ? { body } : {}), ...extra });

const bodyOf = (response: APIGatewayProxyStructuredResultV2): Record<string, unknown> =>
  JSON.parse(response.body ?? 'null') as Record<string, unknown>;

const expectError = (response: APIGatewayProxyStructuredResultV2, status: number, error: string) => {
  expect(response.statusCode).toBe(status);
  expect(response.headers?.['content-type']).toMatch(/^application\/json/);
  const body = bodyOf(response);
  expect(Object.keys(body).sort()).toEqual(['error', 'message']);
  expect(body.error).toBe(error);
  expect(typeof body.message).toBe('string');
  expect(body.message).not.toBe('');
  return body;
};

describe('POST /login: success', () => {
  it('answers 200 with a session id and an ISO-8601 UTC expiry, and stores the session', async () => {
    const { invoke, persistence } = setup();
    const response = await invoke(loginEvent(JSON.stringify({ code: '0a1B2c3D4e' })));
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    const body = bodyOf(response);
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'isNewUser', 'sessionId']);
    expect(body.isNewUser).toBe(true);
    expect(response.headers?.['cache-control']).toBe('no-store');
    expect(body.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.expiresAt).toBe(new Date(NOW_MS + TTL * 1000).toISOString());
    expect(body.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(persistence.records.get(hashSessionId(String(body.sessionId)))).toMatchObject({
      openid: 'oUser123',
      appId: APP_A,
    });
    expect(persistence.users.get('oUser123')?.sessionKey).toBe(SESSION_KEY);
  });

  it('never returns the session_key, the openid or the unionid', async () => {
    const { invoke } = setup([{ ...OK, unionid: 'oUnion456' }]);
    const response = await invoke(loginEvent(JSON.stringify({ code: 'abc' })));
    expect(response.statusCode).toBe(200);
    for (const secretish of [SESSION_KEY, 'session_key', 'sessionKey', 'oUser123', 'oUnion456']) {
      expect(response.body).not.toContain(secretish);
    }
  });

  it('sends the code to WeChat unchanged', async () => {
    const { invoke, wechatCalls } = setup();
    await invoke(loginEvent(JSON.stringify({ code: 'x&y=z' })));
    expect(new URL(wechatCalls[0]?.url ?? '').searchParams.get('js_code')).toBe('x&y=z');
  });

  it('accepts a base64-encoded body', async () => {
    const { invoke, wechatCalls } = setup();
    const body = Buffer.from(JSON.stringify({ code: 'b64-code' })).toString('base64');
    const response = await invoke(loginEvent(body, { isBase64Encoded: true }));
    expect(response.statusCode).toBe(200);
    expect(new URL(wechatCalls[0]?.url ?? '').searchParams.get('js_code')).toBe('b64-code');
  });

  it.each([
    ['text/plain', { 'content-type': 'text/plain;charset=UTF-8' }],
    ['application/json; charset=utf-8', { 'content-type': 'application/json; charset=utf-8' }],
  ])('parses the JSON body whatever the Content-Type says (%s)', async (_case, headers) => {
    const { invoke } = setup();
    const response = await invoke(loginEvent(JSON.stringify({ code: 'abc' }), { headers }));
    expect(response.statusCode).toBe(200);
  });

  it('accepts a code of exactly 128 printable characters', async () => {
    const { invoke } = setup();
    const response = await invoke(loginEvent(JSON.stringify({ code: '~'.repeat(128) })));
    expect(response.statusCode).toBe(200);
  });

  it('ignores extra fields in the body', async () => {
    const { invoke } = setup();
    const response = await invoke(loginEvent(JSON.stringify({ code: 'abc', nickName: '微信用户' })));
    expect(response.statusCode).toBe(200);
  });

  it('creates a new session on every login', async () => {
    const { invoke, persistence } = setup([OK, OK]);
    const first = bodyOf(await invoke(loginEvent(JSON.stringify({ code: 'c1' }))));
    const second = bodyOf(await invoke(loginEvent(JSON.stringify({ code: 'c2' }))));
    expect(first.sessionId).not.toBe(second.sessionId);
    expect(persistence.records.size).toBe(2);
  });
});

describe('POST /login: bad requests (400, WeChat never asked, no session)', () => {
  it.each<[string, string | undefined]>([
    ['a body that is not JSON', 'code=abc'],
    ['truncated JSON', '{"code": "abc"'],
    ['an empty body', ''],
    ['no body at all', undefined],
    ['a JSON array', '[{"code":"abc"}]'],
    ['JSON null', 'null'],
    ['a JSON string', '"abc"'],
    ['a JSON number', '42'],
    ['an object without code', '{}'],
    ['a differently cased key', '{"Code":"abc"}'],
    ['an empty code', '{"code":""}'],
    ['a numeric code', '{"code":123}'],
    ['a null code', '{"code":null}'],
    ['an array code', '{"code":["abc"]}'],
    ['an object code', '{"code":{"value":"abc"}}'],
    ['a boolean code', '{"code":true}'],
    ['a 129-character code', JSON.stringify({ code: 'a'.repeat(129) })],
    ['a code with a newline', JSON.stringify({ code: 'abc\n' })],
    ['a code with a NUL', JSON.stringify({ code: 'a\u0000b' })],
    ['a code with a tab', JSON.stringify({ code: 'a\tb' })],
    ['a code with DEL', JSON.stringify({ code: 'ab\u007f' })],
    ['a code with an escape sequence', JSON.stringify({ code: '\u001b[31mabc' })],
    ['a prototype-pollution body', '{"code":"abc","__proto__":{"admin":true}}'],
  ])('refuses %s', async (_case, body) => {
    const { invoke, wechatCalls, persistence } = setup();
    const response = await invoke(loginEvent(body));
    expectError(response, 400, 'bad_request');
    expect(wechatCalls).toHaveLength(0);
    expect(persistence.calls).toEqual([]);
  });

  it('refuses a base64-encoded body that does not decode to JSON', async () => {
    const { invoke, wechatCalls } = setup();
    const body = Buffer.from('code=abc').toString('base64');
    expectError(await invoke(loginEvent(body, { isBase64Encoded: true })), 400, 'bad_request');
    expect(wechatCalls).toHaveLength(0);
  });
});

describe('POST /login: body size', () => {
  const bodyOfBytes = (bytes: number): string => {
    const skeleton = JSON.stringify({ code: 'abc', pad: '' });
    return JSON.stringify({ code: 'abc', pad: 'x'.repeat(bytes - skeleton.length) });
  };

  it('answers 413 for a body over 16 KiB, before asking WeChat', async () => {
    const { invoke, wechatCalls, persistence } = setup();
    const body = bodyOfBytes(16 * 1024 + 1);
    expect(Buffer.byteLength(body)).toBe(16 * 1024 + 1);
    expectError(await invoke(loginEvent(body)), 413, 'payload_too_large');
    expect(wechatCalls).toHaveLength(0);
    expect(persistence.calls).toEqual([]);
  });

  it('accepts a body of exactly 16 KiB', async () => {
    const { invoke } = setup();
    const body = bodyOfBytes(16 * 1024);
    expect(Buffer.byteLength(body)).toBe(16 * 1024);
    expect((await invoke(loginEvent(body))).statusCode).toBe(200);
  });

  it('counts bytes, not characters: 6000 Chinese characters are over 16 KiB', async () => {
    const { invoke } = setup();
    const body = JSON.stringify({ code: 'abc', pad: '码'.repeat(6000) });
    expectError(await invoke(loginEvent(body)), 413, 'payload_too_large');
  });

  it('answers 413 for a base64-encoded body that decodes to over 16 KiB', async () => {
    const { invoke, wechatCalls } = setup();
    const body = Buffer.from(bodyOfBytes(16 * 1024 + 1)).toString('base64');
    expectError(await invoke(loginEvent(body, { isBase64Encoded: true })), 413, 'payload_too_large');
    expect(wechatCalls).toHaveLength(0);
  });
});

describe('POST /login: WeChat failures (no session created)', () => {
  it.each<[string, number, string, ScriptedReply[]]>([
    ['errcode 40029 (invalid code)', 401, 'invalid_code', [{ errcode: 40029, errmsg: 'invalid code' }]],
    ['errcode 40163 (code been used)', 401, 'invalid_code', [{ errcode: 40163, errmsg: 'code been used' }]],
    ['errcode 40226 (high-risk user)', 403, 'user_blocked', [{ errcode: 40226, errmsg: 'risk' }]],
    ['errcode 45011 (rate limit)', 429, 'rate_limited', [{ errcode: 45011, errmsg: 'api minute-quota reach limit' }]],
    ['errcode -1 twice (busy)', 503, 'wechat_busy', [{ errcode: -1 }, { errcode: -1 }]],
    ['an unknown errcode', 502, 'wechat_unavailable', [{ errcode: 61024, errmsg: '?' }]],
    ['a network error', 502, 'wechat_unavailable', [new TypeError('fetch failed')]],
    ['a timeout', 502, 'wechat_unavailable', ['hang']],
    ['a non-JSON reply', 502, 'wechat_unavailable', ['<html>Bad Gateway</html>']],
    ['HTTP 500', 502, 'wechat_unavailable', [{ status: 500, body: 'Internal Server Error' }]],
    ['a reply without session_key', 502, 'wechat_unavailable', [{ openid: 'oUser123' }]],
    ['a reply without openid', 502, 'wechat_unavailable', [{ session_key: SESSION_KEY }]],
  ])('%s → %i %s', async (_case, status, error, script) => {
    const { invoke, persistence } = setup(script);
    expectError(await invoke(loginEvent(JSON.stringify({ code: 'abc' }))), status, error);
    expect(persistence.calls).toEqual([]);
  });

  it('retries a busy WeChat once and then logs in', async () => {
    const { invoke, wechatCalls, persistence } = setup([{ errcode: -1 }, OK]);
    expect((await invoke(loginEvent(JSON.stringify({ code: 'abc' })))).statusCode).toBe(200);
    expect(wechatCalls).toHaveLength(2);
    expect(persistence.records.size).toBe(1);
  });

  it.each([40013, 40125])(
    'errcode %i (our misconfiguration) → 500, with an error log and a message revealing nothing',
    async (errcode) => {
      const { invoke, persistence } = setup([{ errcode, errmsg: `invalid appid/appsecret ${SECRET}` }]);
      const { result: response, lines } = await logsDuring(() => invoke(loginEvent(JSON.stringify({ code: 'abc' }))));
      const body = expectError(response, 500, 'internal_error');
      expect(body.message).toBe('Internal server error');
      expect(JSON.stringify(body)).not.toMatch(/appid|secret|40013|40125|misconfigured/i);
      const errorLines = lines.filter((line) => line.includes('"level":"ERROR"'));
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toContain(String(errcode));
      expect(persistence.calls).toEqual([]);
    }
  );
});

describe('POST /login: nothing secret reaches the logs', () => {
  it.each<[string, ScriptedReply[]]>([
    ['success', [{ ...OK, unionid: 'oUnion456' }]],
    [
      'a network error quoting the URL',
      [new TypeError(`fetch failed: https://api.weixin.qq.com/sns/jscode2session?secret=${SECRET}`)],
    ],
    ['a timeout', ['hang']],
    ['HTTP 500', [{ status: 500, body: `error for ${SECRET}` }]],
    ['errcode 40125', [{ errcode: 40125, errmsg: `invalid appsecret ${SECRET}` }]],
    ['errcode 40029', [{ errcode: 40029, errmsg: 'invalid code' }]],
    ['busy twice', [{ errcode: -1 }, { errcode: -1 }]],
  ])('%s: no app secret, session_key or session id in any log line', async (_case, script) => {
    const { invoke } = setup(script);
    const {
      result: response,
      lines,
      text,
    } = await logsDuring(() => invoke(loginEvent(JSON.stringify({ code: 'abc' }))));
    // Every failure is logged, so an empty capture would mean the capture broke, not that nothing leaked.
    if (response.statusCode !== 200) expect(lines.length).toBeGreaterThan(0);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SESSION_KEY);
    expect(response.body ?? '').not.toContain(SECRET);
    const sessionId = bodyOf(response).sessionId;
    if (typeof sessionId === 'string') expect(text).not.toContain(sessionId);
  });
});

describe('POST /login: attempts per client IP', () => {
  const from = (sourceIp: string, code = 'abc') => loginEvent(JSON.stringify({ code }), { sourceIp });

  it('answers 429 rate_limited with Retry-After once an IP has used its attempts, without asking WeChat', async () => {
    // Refused codes count as much as accepted ones: every attempt that could reach WeChat is counted.
    const { invoke, wechatCalls } = setup(Array(LIMIT).fill({ errcode: 40029, errmsg: 'invalid code' }));
    for (let i = 0; i < LIMIT; i += 1) expectError(await invoke(from('203.0.113.9')), 401, 'invalid_code');
    const refused = await invoke(from('203.0.113.9'));
    const body = expectError(refused, 429, 'rate_limited');
    // NOW_MS is on a whole minute: the window has all 60 seconds to run.
    expect(refused.headers?.['retry-after']).toBe('60');
    expect(body.message).toMatch(/60 seconds/);
    expect(wechatCalls).toHaveLength(LIMIT);
  });

  it("counts per IP: another client's attempts are not affected", async () => {
    const { invoke, counters } = setup([...Array(LIMIT).fill({ errcode: 40029 }), OK]);
    for (let i = 0; i < LIMIT; i += 1) await invoke(from('203.0.113.9'));
    expect((await invoke(from('203.0.113.9'))).statusCode).toBe(429);
    expect((await invoke(from('2001:db8::7'))).statusCode).toBe(200);
    expect(counters.calls.map((call) => call.subject)).toEqual([
      ...Array(LIMIT + 1).fill('203.0.113.9'),
      '2001:db8::7',
    ]);
  });

  it('does not count a body it refuses (bad input writes nothing), but counts before WeChat is asked', async () => {
    const { invoke, counters, wechatCalls } = setup();
    expectError(await invoke(loginEvent('{"code":""}')), 400, 'bad_request');
    expect(counters.calls).toEqual([]);
    expect((await invoke(from('203.0.113.9'))).statusCode).toBe(200);
    expect(counters.calls).toHaveLength(1);
    expect(wechatCalls).toHaveLength(1);
  });

  it('fails closed: when the counter cannot be reached, 500 and WeChat is never asked', async () => {
    const { invoke, counters, wechatCalls, persistence } = setup();
    counters.failWith = new Error('DynamoDB is down');
    expectError(await invoke(from('203.0.113.9')), 500, 'internal_error');
    expect(wechatCalls).toHaveLength(0);
    expect(persistence.calls).toEqual([]);
  });
});

describe('POST /login: DynamoDB failures', () => {
  const documentClient = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
  );
  const dynamodb = mockClient(documentClient);

  afterEach(() => {
    dynamodb.reset();
  });

  const setupWithDynamoDb = () => {
    const sessions = new SessionStore(
      new DynamoDbSessionPersistence(documentClient, 'sessions-unit'),
      new SessionPolicy(TTL, MAX_AGE)
    );
    const attempts = new RateLimiter(new InMemoryCounterStore(), { name: 'login', limit: LIMIT, windowSeconds: 60 });
    const handler = createHandler({ sessions, apps: appsWith({ fetch: fakeFetch(OK).fetch }), attempts });
    return (event: APIGatewayProxyEventV2) => handler(event, lambdaContext('login'));
  };

  it.each([
    [
      'ProvisionedThroughputExceededException',
      () => new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: {} }),
    ],
    ['ThrottlingException', () => new ThrottlingException({ message: 'Rate exceeded', $metadata: {} })],
  ])('a throttled write (%s) answers 5xx and issues no session', async (_case, error) => {
    dynamodb.onAnyCommand().rejects(error());
    const invoke = setupWithDynamoDb();
    const response = await invoke(loginEvent(JSON.stringify({ code: 'abc' })));
    expect(response.statusCode).toBeGreaterThanOrEqual(500);
    expect(response.statusCode).toBeLessThan(600);
    const body = bodyOf(response);
    expect(body).not.toHaveProperty('sessionId');
    expect(body.error).toBe('internal_error');
    expect(JSON.stringify(body)).not.toMatch(/throughput|throttl|rate exceeded/i);
    // The first request (the user record's read) was refused, and nothing else was sent: no write at all.
    expect(dynamodb.calls()).toHaveLength(1);
  });

  it('a failing attempt counter (the real DynamoDB adapter) answers 500, never asks WeChat, writes no session', async () => {
    dynamodb.onAnyCommand().rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    const wechatFetch = fakeFetch(OK);
    const handler = createHandler({
      sessions: new SessionStore(
        new DynamoDbSessionPersistence(documentClient, 'sessions-unit'),
        new SessionPolicy(TTL, MAX_AGE)
      ),
      apps: appsWith({ fetch: wechatFetch.fetch }),
      attempts: createLoginLimit(documentClient, { tableName: 'sessions-unit' }, { loginLimitPerIpPerMinute: LIMIT }),
    });
    const response = await handler(loginEvent(JSON.stringify({ code: 'abc' })), lambdaContext('login'));
    expectError(response, 500, 'internal_error');
    expect(wechatFetch.calls).toHaveLength(0);
    // Only the counter's update was sent, and it was the one that failed.
    expect(dynamodb.calls().map((call) => call.args[0].constructor.name)).toEqual(['UpdateCommand']);
  });
});

describe('POST /login: several mini programs', () => {
  const twoApps = [APP_A, APP_B];

  it("exchanges the code with the named app's AppID and secret, and records the app on the session", async () => {
    const { invoke, wechatCalls, persistence } = setup([OK], twoApps);
    const response = await invoke(loginEvent(JSON.stringify({ code: 'abc', appId: APP_B })));
    expect(response.statusCode).toBe(200);
    const query = new URL(wechatCalls[0]?.url ?? '').searchParams;
    expect(query.get('appid')).toBe(APP_B);
    expect(query.get('secret')).toBe(`${SECRET}-${APP_B}`);
    expect(persistence.records.get(hashSessionId(String(bodyOf(response).sessionId)))?.appId).toBe(APP_B);
  });

  it('answers 400 bad_request without an appId when several apps are configured, asking WeChat nothing', async () => {
    const { invoke, wechatCalls, persistence } = setup([OK], twoApps);
    expectError(await invoke(loginEvent(JSON.stringify({ code: 'abc' }))), 400, 'bad_request');
    expect(wechatCalls).toHaveLength(0);
    expect(persistence.records.size).toBe(0);
  });

  it.each([['wx1111111111111111'], ['wxA']])('answers 400 unknown_app for the AppID %s', async (appId) => {
    const { invoke, wechatCalls } = setup([OK], twoApps);
    expectError(await invoke(loginEvent(JSON.stringify({ code: 'abc', appId }))), 400, 'unknown_app');
    expect(wechatCalls).toHaveLength(0);
  });

  it.each([[42], [''], ['wx/../x'], [null]])('answers 400 bad_request for the appId %j', async (appId) => {
    const { invoke, wechatCalls } = setup([OK], twoApps);
    expectError(await invoke(loginEvent(JSON.stringify({ code: 'abc', appId }))), 400, 'bad_request');
    expect(wechatCalls).toHaveLength(0);
  });

  it('takes the one configured app when the body names none, and accepts it named', async () => {
    const { invoke, wechatCalls } = setup([OK, OK]);
    expect((await invoke(loginEvent(JSON.stringify({ code: 'a' })))).statusCode).toBe(200);
    expect((await invoke(loginEvent(JSON.stringify({ code: 'b', appId: APP_A })))).statusCode).toBe(200);
    expect(wechatCalls.map((call) => new URL(call.url).searchParams.get('appid'))).toEqual([APP_A, APP_A]);
  });

  it('says isNewUser true on the first login of an openid in an app, then false', async () => {
    const { invoke } = setup([OK, OK]);
    expect(bodyOf(await invoke(loginEvent(JSON.stringify({ code: 'a' })))).isNewUser).toBe(true);
    expect(bodyOf(await invoke(loginEvent(JSON.stringify({ code: 'b' })))).isNewUser).toBe(false);
  });
});
