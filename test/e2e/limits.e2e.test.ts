import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../functions/shared/contract/defaults.js';
import { type RunningWeChatStub, startWeChatStub } from '../../infra/local/wechat-stub.js';
import { call, login } from '../support/http.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/**
 * The per-client limits over HTTP, against the twin (`npm start`) with its defaults, playing several clients through
 * X-Forwarded-For (TRUST_X_FORWARDED_FOR=true). The WeChat stub runs in this process, so its call counts are ours.
 */
const APP_ID = 'wx7777888899990000';
const APP_SECRET = 'limits-e2e-secret';

let stub: RunningWeChatStub;
let twin: RunningTwin;

/** Waits, if needed, until `seconds` of the current fixed window (a UTC minute, a UTC day) remain. */
const withinOneWindow = async (windowMs: number, seconds: number): Promise<void> => {
  const left = windowMs - (Date.now() % windowMs);
  if (left < seconds * 1000) await new Promise((resolve) => setTimeout(resolve, left));
};

beforeAll(async () => {
  stub = await startWeChatStub({ appId: APP_ID, appSecret: APP_SECRET });
  twin = await startTwin({
    WECHAT_API_BASE_URL: stub.baseUrl,
    WECHAT_APP_ID: APP_ID,
    WECHAT_APP_SECRET: APP_SECRET,
    TRUST_X_FORWARDED_FOR: 'true',
  });
}, 90_000);
afterAll(async () => {
  await twin?.stop();
  await stub?.stop();
});

describe('POST /login: attempts per client IP (on by default)', () => {
  it('one IP sending junk logins gets 429 after the limit while another IP logs in at once; WeChat saw only the limit', async () => {
    const limit = defaults.loginLimitPerIpPerMinute;
    const flooder = { 'X-Forwarded-For': '203.0.113.66' };
    await withinOneWindow(60_000, 30);
    const before = stub.serverApi.stats.code2SessionCalls;

    const statuses: number[] = [];
    for (let i = 0; i < limit + 15; i += 1)
      statuses.push((await login(twin.baseUrl, `invalid-junk-${i}`, flooder)).status);
    expect(statuses.slice(0, limit)).toEqual(Array(limit).fill(401));
    expect(statuses.slice(limit)).toEqual(Array(15).fill(429));
    expect(stub.serverApi.stats.code2SessionCalls - before).toBe(limit);

    const refused = await login(twin.baseUrl, 'invalid-junk-more', flooder);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'rate_limited', message: expect.any(String) });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Another client, at once: logged in, and WeChat was asked for it.
    const other = await login(twin.baseUrl, 'patient.1', { 'X-Forwarded-For': '198.51.100.23, 10.0.0.1' });
    expect(other.status).toBe(200);
    expect(other.body.sessionId).toMatch(/^[\w-]{43}$/);
    expect(stub.serverApi.stats.code2SessionCalls - before).toBe(limit + 1);
  }, 120_000);
});

/** Logs `code`'s user in (from a client IP of its own) and returns the session id and openid. */
const signIn = async (code: string) => {
  const reply = await login(twin.baseUrl, code, { 'X-Forwarded-For': '192.0.2.200' });
  expect(reply.status).toBe(200);
  const sessionId = reply.body.sessionId as string;
  const me = await call(twin.baseUrl, 'GET', '/me', { sessionId });
  return { sessionId, openid: me.body.openid as string };
};
const phone = (sessionId: string, code: string) =>
  call(twin.baseUrl, 'POST', '/wx/phone', { sessionId, body: JSON.stringify({ code }) });

describe("POST /wx/phone: per user per UTC day, and only the caller's own code", () => {
  it("a user's 11th lookup of the day gets 429 with Retry-After, and WeChat is not asked", async () => {
    const limit = defaults.phoneLimitPerUserPerDay;
    await withinOneWindow(86_400_000, 30);
    const { sessionId } = await signIn('dailyphone.1');
    const before = stub.serverApi.stats.phoneNumberCalls;
    for (let i = 1; i <= limit; i += 1) expect((await phone(sessionId, `dailyphone.p${i}`)).status).toBe(200);
    expect(stub.serverApi.stats.phoneNumberCalls - before).toBe(limit);

    const refused = await phone(sessionId, `dailyphone.p${limit + 1}`);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'rate_limited', message: expect.any(String) });
    const untilMidnight = Math.ceil((86_400_000 - (Date.now() % 86_400_000)) / 1000);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(untilMidnight - 30);
    expect(retryAfter).toBeLessThanOrEqual(untilMidnight);
    expect(stub.serverApi.stats.phoneNumberCalls - before).toBe(limit);

    // The budget is per user: another user is not affected.
    const other = await signIn('otherphone.1');
    expect((await phone(other.sessionId, 'otherphone.p1')).status).toBe(200);
  });

  it("Bob cannot redeem Carol's phone code; Carol still can", async () => {
    const bob = await signIn('bob.1');
    const carol = await signIn('carol.1');
    const stolen = await phone(bob.sessionId, 'carol.p1');
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_phone_code');
    expect(JSON.stringify(stolen.body)).not.toMatch(/1\d{10}/);
    const own = await phone(carol.sessionId, 'carol.p1');
    expect(own.status).toBe(200);
    expect(own.body.phoneNumber).toMatch(/^1\d{10}$/);
  });
});

describe('GET /wx/session-key/status: WeChat asked at most once per user per 60 s', () => {
  it('repeated status calls within 60 s make one checksession call, from every session of the user', async () => {
    const phoneSession = await signIn('statususer.1');
    const tabletSession = await signIn('statususer.2');
    const before = stub.serverApi.stats.checkSessionCalls;
    for (let i = 0; i < 5; i += 1) {
      for (const { sessionId } of [phoneSession, tabletSession]) {
        const answer = await call(twin.baseUrl, 'GET', '/wx/session-key/status', { sessionId });
        expect(answer).toMatchObject({ status: 200, body: { valid: true } });
      }
    }
    expect(stub.serverApi.stats.checkSessionCalls - before).toBe(1);

    // A new login (a new session_key) is checked at once.
    const again = await signIn('statususer.3');
    expect((await call(twin.baseUrl, 'GET', '/wx/session-key/status', { sessionId: again.sessionId })).body).toEqual({
      valid: true,
    });
    expect(stub.serverApi.stats.checkSessionCalls - before).toBe(2);
  });
});
