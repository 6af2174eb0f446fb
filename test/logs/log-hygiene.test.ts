import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDataSignature } from '../../functions/shared/wechat/crypto.js';
import { type RunningWeChatStub, startWeChatStub } from '../../infra/local/wechat-stub.js';
import { call, login, sessionIdOf } from '../support/http.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/**
 * Every line the running system prints, at DEBUG, over the whole flow (logins that work and logins WeChat refuses,
 * every protected route, the session_key services, denials, bad bodies, logout), checked for the secrets the system
 * handles: session ids, WeChat's session_key, the app secret and the access_token. The twin runs as `npm start`
 * does; the WeChat stub runs here, in the test, so every session_key it hands out is known to the test.
 */
const APP_ID = `wx${randomBytes(8).toString('hex')}`;
const APP_SECRET = `log-hygiene-secret-${randomBytes(12).toString('hex')}`;

let stub: RunningWeChatStub;
let twin: RunningTwin;
const sessionIds: string[] = [];
const sessionKeys = new Set<string>();

/** The stub keeps only each user's newest session_key; the flow is sequential, so a snapshot after each login sees all. */
const rememberSessionKeys = () => {
  for (const key of stub.latestSessionKeys.values()) sessionKeys.add(key);
};

const signIn = async (code: string): Promise<{ sessionId: string; openid: string }> => {
  const reply = await login(twin.baseUrl, code);
  expect(reply.status).toBe(200);
  sessionIds.push(sessionIdOf(reply));
  rememberSessionKeys();
  const me = await call(twin.baseUrl, 'GET', '/me', { sessionId: sessionIdOf(reply) });
  expect(me.status).toBe(200);
  return { sessionId: sessionIdOf(reply), openid: String(me.body.openid) };
};

const stubAdmin = async (path: string, body: unknown) => {
  const response = await fetch(`${stub.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, string>;
};

beforeAll(async () => {
  stub = await startWeChatStub({ appId: APP_ID, appSecret: APP_SECRET });
  twin = await startTwin({
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    WECHAT_APP_ID: APP_ID,
    WECHAT_APP_SECRET: APP_SECRET,
    WECHAT_API_BASE_URL: stub.baseUrl,
  });
});

afterAll(async () => {
  await twin?.stop();
  await stub?.stop();
});

describe('log hygiene over the whole flow', () => {
  it('prints no session id, session_key, app secret or access_token in any line', async () => {
    const base = twin.baseUrl;
    const alice = await signIn('alice.1');
    const aliceAgain = await signIn('alice.2');
    const bob = await signIn('bob.1');
    await signIn('errcode-1once-carol.1');

    // Protected routes, the session_key services included.
    for (const session of [alice, aliceAgain, bob]) {
      expect((await call(base, 'GET', '/products', { sessionId: session.sessionId })).status).toBe(200);
      expect((await call(base, 'GET', '/wx/session-key/status', { sessionId: session.sessionId })).status).toBe(200);
    }
    const sealed = await stubAdmin('/stub/encrypted-data', { openid: alice.openid, data: { nickName: '测试' } });
    const decrypted = await call(base, 'POST', '/wx/decrypt', {
      sessionId: alice.sessionId,
      body: JSON.stringify(sealed),
    });
    expect(decrypted.status).toBe(200);
    const stale = await call(base, 'POST', '/wx/decrypt', {
      sessionId: alice.sessionId,
      body: JSON.stringify({
        encryptedData: randomBytes(32).toString('base64'),
        iv: randomBytes(16).toString('base64'),
      }),
    });
    expect(stale.status).toBe(400);
    const rawData = JSON.stringify({ nickName: '测试' });
    const newestKey = stub.latestSessionKeys.get(alice.openid)!;
    const verified = await call(base, 'POST', '/wx/verify', {
      sessionId: aliceAgain.sessionId,
      body: JSON.stringify({ rawData, signature: rawDataSignature(rawData, newestKey) }),
    });
    expect(verified.status).toBe(200);
    expect(
      (await call(base, 'POST', '/wx/phone', { sessionId: bob.sessionId, body: '{"code":"bob.p1"}' })).status
    ).toBe(200);
    expect(
      (await call(base, 'POST', '/wx/phone', { sessionId: bob.sessionId, body: '{"code":"expiretoken.p1"}' })).status
    ).toBe(200);
    expect(
      (await call(base, 'POST', '/wx/phone', { sessionId: bob.sessionId, body: '{"code":"invalid.p1"}' })).status
    ).toBeGreaterThanOrEqual(400);
    await stubAdmin('/stub/rotate-session-key', { openid: bob.openid });
    rememberSessionKeys();
    await call(base, 'GET', '/wx/session-key/status', { sessionId: bob.sessionId });

    // A retried code (replay-safe login): the same session again, through the replay path's logging.
    expect(sessionIdOf(await login(base, 'alice.1'))).toBe(alice.sessionId);

    // Logins WeChat refuses, and bodies that never reach it.
    for (const code of ['invalid-code', 'errcode40226.1', 'errcode45011.1', 'errcode-1.1']) {
      expect((await login(base, code)).status).toBeGreaterThanOrEqual(400);
    }
    for (const body of ['not json', '{}', '{"code":""}', JSON.stringify({ code: 'x'.repeat(20_000) })]) {
      expect((await call(base, 'POST', '/login', { body })).status).toBeGreaterThanOrEqual(400);
    }

    // Denials, logout, and the id refused afterwards.
    expect((await call(base, 'GET', '/me')).status).toBe(401);
    expect((await call(base, 'GET', '/me', { sessionId: 'garbage' })).status).toBe(403);
    expect((await call(base, 'GET', '/me', { sessionId: randomBytes(32).toString('base64url') })).status).toBe(403);
    expect((await call(base, 'POST', '/logout', { sessionId: alice.sessionId })).status).toBe(204);
    expect((await call(base, 'GET', '/me', { sessionId: alice.sessionId })).status).toBe(403);
    // Once its session is logged out, the retried code is refused.
    expect((await login(base, 'alice.1')).status).toBe(401);

    await twin.stop();
    const output = twin.output();

    // What was captured is the real thing: access-log lines for the routes and the functions' own JSON logs.
    expect(output).toMatch(/POST \/login 200/);
    expect(output).toMatch(/POST \/wx\/decrypt 200/);
    expect(output).toMatch(/"level":"(DEBUG|INFO|WARN|ERROR)"/);

    expect(sessionIds.length).toBeGreaterThanOrEqual(4);
    for (const sessionId of sessionIds) expect(output).not.toContain(sessionId);
    expect(sessionKeys.size).toBeGreaterThanOrEqual(4);
    for (const sessionKey of sessionKeys) expect(output).not.toContain(sessionKey);
    expect(output).not.toContain(APP_SECRET);
    // Saying that a session_key is no longer valid is fine; carrying one, as a field or a query value, is not.
    expect(output).not.toMatch(/\\?"session_?key\\?"\s*:/i);
    expect(output).not.toMatch(/session_key=/i);
    expect(output).not.toMatch(/access_token=/i);
    expect(output).not.toMatch(/secret=/i);
    // The stub's access tokens ('stub_' and 128 base64url characters) and any 16-byte key in base64.
    expect(output).not.toMatch(/stub_[A-Za-z0-9_-]{20,}/);
    expect(output).not.toMatch(/(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{22}==(?![A-Za-z0-9+/=])/);
  }, 60_000);
});
