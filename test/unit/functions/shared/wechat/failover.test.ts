import { describe, expect, it } from 'vitest';
import { TimeBudget, withTimeBudget } from '../../../../../functions/shared/runtime/time-budget.js';
import { WeChatClient } from '../../../../../functions/shared/wechat/client.js';
import { WeChatError } from '../../../../../functions/shared/wechat/wechat-error.js';
import { fakeFetch, type ScriptedReply } from '../../../../support/fakes/fake-fetch.js';

const FIRST = 'https://api.weixin.qq.com';
const SECOND = 'https://api2.weixin.qq.com';
const OK = { openid: 'oUser123', session_key: 'c2Vzc2lvbi1rZXktMTY=' };
const TOKEN = { access_token: 'token-1', expires_in: 7200 };

const twoHosts = (script: ScriptedReply[], options: { hostBreakerMs?: number; timeoutMs?: number } = {}) => {
  const fake = fakeFetch(...script);
  const client = new WeChatClient({
    appId: 'wx0123456789abcdef',
    appSecret: async () => 'secret',
    apiBaseUrls: [FIRST, SECOND],
    busyRetryDelayMs: 1,
    timeoutMs: options.timeoutMs ?? 50,
    hostBreakerMs: options.hostBreakerMs ?? 30_000,
    fetch: fake.fetch,
  });
  const hostsAsked = () => fake.calls.map((call) => new URL(call.url).origin);
  return { client, calls: fake.calls, hostsAsked };
};

const failureOf = async (promise: Promise<unknown>): Promise<WeChatError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WeChatError);
    return error as WeChatError;
  }
  throw new Error('expected the call to fail');
};

describe('WeChatClient failover: moves to the next host only when no WeChat answer arrived', () => {
  it.each<[string, ScriptedReply]>([
    ['hangs (times out)', 'hang'],
    ['refuses the connection', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })],
    ['answers an HTML 502 page', { status: 502, body: '<html>502 Bad Gateway</html>', contentType: 'text/html' }],
    ['answers an HTML page with 200', { status: 200, body: '<html>portal</html>', contentType: 'text/html' }],
    ['answers 503 with an empty body', { status: 503, body: '' }],
  ])('the first host %s → the second host logs the user in', async (_case, first) => {
    const { client, hostsAsked } = twoHosts([first, OK]);
    expect(await client.exchangeCode('code-1')).toMatchObject({ openid: 'oUser123' });
    expect(hostsAsked()).toEqual([FIRST, SECOND]);
  });

  it.each([40029, 40163, 45011, 40226, 40013])(
    'never fails over once WeChat answered errcode %i (the code is spent)',
    async (errcode) => {
      const { client, hostsAsked } = twoHosts([{ errcode, errmsg: 'x' }, OK]);
      await failureOf(client.exchangeCode('code-1'));
      expect(hostsAsked()).toEqual([FIRST]);
    }
  );

  it('answers wechat_unavailable when every host gave no answer, having asked each once', async () => {
    const { client, hostsAsked } = twoHosts(['hang', new TypeError('fetch failed')]);
    expect((await failureOf(client.exchangeCode('code-1'))).code).toBe('wechat_unavailable');
    expect(hostsAsked()).toEqual([FIRST, SECOND]);
  });

  it('keeps the secret out of the failure even after trying every host', async () => {
    const { client } = twoHosts([new TypeError(`fetch failed ${FIRST}?secret=secret`), 'hang']);
    const error = await failureOf(client.exchangeCode('code-1'));
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('secret=');
  });
});

describe('WeChatClient failover: the per-Lambda circuit breaker', () => {
  it('after one failure the next call goes to the second host first, and the first again after the window', async () => {
    const clock = { now: 0 };
    const realNow = Date.now;
    Date.now = () => realNow() + clock.now;
    try {
      const { client, hostsAsked } = twoHosts([new TypeError('fetch failed'), OK, OK, OK], { hostBreakerMs: 1000 });
      await client.exchangeCode('code-1');
      await client.exchangeCode('code-2');
      clock.now += 1001;
      await client.exchangeCode('code-3');
      expect(hostsAsked()).toEqual([FIRST, SECOND, SECOND, FIRST]);
    } finally {
      Date.now = realNow;
    }
  });

  it.each<[string, (client: WeChatClient) => Promise<unknown>, ScriptedReply]>([
    ['stable_token', (client) => client.fetchStableToken(), TOKEN],
    [
      'checksession',
      (client) => client.checkSessionKey({ accessToken: 't', openid: 'o', sessionKey: 'c2Vzc2lvbi1rZXktMTY=' }),
      { errcode: 0, errmsg: 'ok' },
    ],
    [
      'getuserphonenumber',
      (client) => client.getPhoneNumber({ accessToken: 't', code: 'p' }),
      { errcode: 0, phone_info: { phoneNumber: '13800000000', purePhoneNumber: '13800000000', countryCode: '86' } },
    ],
  ])('applies to %s too', async (_name, call, reply) => {
    const { client, hostsAsked } = twoHosts([{ status: 502, body: '<html></html>' }, reply]);
    await call(client);
    expect(hostsAsked()).toEqual([FIRST, SECOND]);
  });
});

describe('WeChatClient failover inside a time budget', () => {
  it('starts no attempt without time to finish: no time left → no call at all', async () => {
    const { client, calls } = twoHosts([OK]);
    const run = withTimeBudget(async () => client.exchangeCode('code-1'));
    // 800 ms left of which the margin takes 500 and the reserve 1000: nothing for WeChat.
    const error = await failureOf(run(undefined, { getRemainingTimeInMillis: () => 800 }));
    expect(error.code).toBe('wechat_unavailable');
    expect(calls).toHaveLength(0);
  });

  it('cuts each attempt to what the budget leaves, so a hanging first host leaves the second its turn', async () => {
    const { client, calls, hostsAsked } = twoHosts(['hang', OK], { timeoutMs: 60_000 });
    const run = withTimeBudget(async () => client.exchangeCode('code-1'));
    const started = Date.now();
    // 3 s: budget 2.5 s, minus the 1 s reserve, shared by two hosts → the first attempt gets at most 750 ms.
    await expect(run(undefined, { getRemainingTimeInMillis: () => 3000 })).resolves.toMatchObject({
      openid: 'oUser123',
    });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(hostsAsked()).toEqual([FIRST, SECOND]);
    expect((calls[0]?.signal?.reason as Error | undefined)?.name).toBe('TimeoutError');
  });

  it('TimeBudget.attemptTimeoutMs never exceeds the cap, the budget minus the reserve, or starts under the minimum', () => {
    const clock = { now: 0 };
    const budget = new TimeBudget(5000, () => clock.now);
    expect(budget.attemptTimeoutMs({ capMs: 3000, reserveMs: 1000 })).toBe(3000);
    clock.now = 2000;
    expect(budget.attemptTimeoutMs({ capMs: 3000, reserveMs: 1000 })).toBe(2000);
    clock.now = 3600;
    expect(budget.attemptTimeoutMs({ capMs: 3000, reserveMs: 1000, minMs: 500 })).toBeUndefined();
    clock.now = 9000;
    expect(budget.remainingMs()).toBe(0);
  });
});
