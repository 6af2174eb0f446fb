import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../functions/shared/contract/defaults.js';
import { type RunningWeChatStub, startWeChatStub } from '../../infra/local/wechat-stub.js';
import { login } from '../support/http.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/**
 * The per-client limits over HTTP, against the twin (`npm start`) with its defaults, playing several clients through
 * X-Forwarded-For (TRUST_X_FORWARDED_FOR=true). The WeChat stub runs in this process, so its call counts are ours.
 */
const APP_ID = 'wx7777888899990000';
const APP_SECRET = 'limits-e2e-secret';

let stub: RunningWeChatStub;
let twin: RunningTwin;

/** Waits, if needed, so that `seconds` of the current UTC minute remain: a fixed window must not end mid-test. */
const withinOneMinuteWindow = async (seconds: number): Promise<void> => {
  const intoMinute = Date.now() % 60_000;
  if (60_000 - intoMinute < seconds * 1000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute));
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
    await withinOneMinuteWindow(30);
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
  });
});
