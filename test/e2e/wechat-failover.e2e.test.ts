import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../functions/shared/contract/defaults.js';
import { sizingOf } from '../../infra/function-sizing.js';
import { type RunningWeChatStub, startWeChatStub } from '../../infra/local/wechat-stub.js';
import { login } from '../support/http.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/**
 * The twin with two WeChat hosts (two stubs of one app), as `WECHAT_API_BASE_URLS` lists them in AWS: login fails
 * over to the second only when the first gave no WeChat answer, and each warm login Lambda's breaker remembers a
 * failing host for WECHAT_HOST_BREAKER_SECONDS (2 s here).
 */
const APP = { appId: 'wx5555666677778888', appSecret: 'failover-secret' };
const BREAKER_SECONDS = 2;
const loginTimeoutMs = sizingOf('login').timeoutSeconds * 1000;

let first: RunningWeChatStub;
let second: RunningWeChatStub;
let twin: RunningTwin;
let codes = 0;
const nextCode = (user = 'dora') => `${user}.${++codes}`;

/** Calls to each stub during `work`. */
const countCalls = async <T>(work: () => Promise<T>) => {
  const before = { first: first.requests(), second: second.requests() };
  const started = performance.now();
  const result = await work();
  return {
    result,
    elapsedMs: performance.now() - started,
    first: first.requests() - before.first,
    second: second.requests() - before.second,
  };
};

/** Lets the breaker's window pass, so the first host is first in line again. */
const breakerWindowPasses = () => new Promise((resolve) => setTimeout(resolve, BREAKER_SECONDS * 1000 + 200));

beforeAll(async () => {
  first = await startWeChatStub(APP);
  second = await startWeChatStub(APP);
  twin = await startTwin({
    WECHAT_APP_ID: APP.appId,
    WECHAT_APP_SECRET: APP.appSecret,
    WECHAT_API_BASE_URLS: `${first.baseUrl},${second.baseUrl}`,
    WECHAT_HOST_BREAKER_SECONDS: String(BREAKER_SECONDS),
  });
}, 90_000);

afterAll(async () => {
  await twin?.stop();
  await first?.stop();
  await second?.stop();
});

describe('login fails over to the second WeChat host when the first gives no answer', () => {
  it.each(['hang', 'refuse', 'html502', 'reset'] as const)(
    'first host: %s → 200 through the second, within the login budget; then the first again after the window',
    async (fault) => {
      await first.setFault(fault);
      const failedOver = await countCalls(() => login(twin.baseUrl, nextCode()));
      expect(failedOver.result.status).toBe(200);
      expect(failedOver.result.body.sessionId).toMatch(/^[\w-]{43}$/);
      expect(failedOver.second).toBe(1);
      expect(failedOver.elapsedMs).toBeLessThan(loginTimeoutMs);

      // The breaker: the next login goes to the second host first, without waiting on the first.
      const preferred = await countCalls(() => login(twin.baseUrl, nextCode()));
      expect(preferred.result.status).toBe(200);
      expect({ first: preferred.first, second: preferred.second }).toEqual({ first: 0, second: 1 });
      // Not waiting a hanging first host out (its attempt would take the full per-attempt cap).
      expect(preferred.elapsedMs).toBeLessThan(defaults.wechatTimeoutMs);

      // The first host recovers; once the window has passed it is used again.
      await first.setFault(undefined);
      await breakerWindowPasses();
      const recovered = await countCalls(() => login(twin.baseUrl, nextCode()));
      expect(recovered.result.status).toBe(200);
      expect({ first: recovered.first, second: recovered.second }).toEqual({ first: 1, second: 0 });
    },
    30_000
  );
});

describe('login never fails over once WeChat answered', () => {
  it('first host answers errcode 40029 → 401 invalid_code, and the second host is never asked', async () => {
    const refused = await countCalls(() => login(twin.baseUrl, 'invalid.1'));
    expect(refused.result.status).toBe(401);
    expect(refused.result.body).toEqual({ error: 'invalid_code', message: expect.any(String) });
    expect({ first: refused.first, second: refused.second }).toEqual({ first: 1, second: 0 });
  });

  it('a code already used on the first host (40163) is not re-sent to the second', async () => {
    const code = nextCode('erin');
    // Spent at WeChat (the first host) without our login seeing it, so no replay record can answer for it.
    const spend = new URLSearchParams({ appid: APP.appId, secret: APP.appSecret, js_code: code });
    spend.set('grant_type', 'authorization_code');
    expect(await (await fetch(`${first.baseUrl}/sns/jscode2session?${spend}`)).json()).toMatchObject({
      openid: expect.any(String),
    });
    const reused = await countCalls(() => login(twin.baseUrl, code));
    expect(reused.result.status).toBe(401);
    expect({ first: reused.first, second: reused.second }).toEqual({ first: 1, second: 0 });
  });
});
