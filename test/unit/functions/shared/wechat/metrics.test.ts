import { afterEach, describe, expect, it } from 'vitest';
import type { MetricName } from '../../../../../functions/shared/contract/metrics.js';
import { useMetricSink } from '../../../../../functions/shared/runtime/metrics.js';
import { AccessTokenCache } from '../../../../../functions/shared/wechat/access-token-cache.js';
import { WeChatClient } from '../../../../../functions/shared/wechat/client.js';
import { fakeFetch, type ScriptedReply } from '../../../../support/fakes/fake-fetch.js';
import { InMemoryAccessTokenPersistence } from '../../../../support/wechat/in-memory-access-token-persistence.js';

type Recorded = [MetricName, Record<string, string | undefined>];

const recording = (): Recorded[] => {
  const recorded: Recorded[] = [];
  useMetricSink((name, dimensions) => recorded.push([name, { ...dimensions }]));
  return recorded;
};

const client = (...script: ScriptedReply[]) =>
  new WeChatClient({
    appId: 'wx0123456789abcdef',
    appSecret: async () => 'metrics-test-secret',
    apiBaseUrls: ['http://wechat.invalid'],
    timeoutMs: script.includes('hang') ? 50 : 3000,
    fetch: fakeFetch(...script).fetch,
  });

const SESSION_KEY = 'c2Vzc2lvbi1rZXktMTY=';

afterEach(() => useMetricSink(undefined));

describe('WeChat calls, counted by API and errcode', () => {
  it('names each API and counts a reply without errcode as 0', async () => {
    const recorded = recording();
    await client({ access_token: 'T', expires_in: 7200 }).fetchStableToken();
    await client({ errcode: 0 }).checkSessionKey({ accessToken: 'T', openid: 'o1', sessionKey: SESSION_KEY });
    await client({
      errcode: 0,
      phone_info: { phoneNumber: '13800000000', purePhoneNumber: '13800000000', countryCode: '86' },
    }).getPhoneNumber({ accessToken: 'T', code: 'c' });
    expect(recorded).toEqual([
      ['WeChatCall', { api: 'stable_token', errcode: '0' }],
      ['WeChatCall', { api: 'checksession', errcode: '0' }],
      ['WeChatCall', { api: 'getuserphonenumber', errcode: '0' }],
    ]);
  });

  it.each([
    ['stable_token', 40125, (c: WeChatClient) => c.fetchStableToken()],
    [
      'checksession',
      40001,
      (c: WeChatClient) => c.checkSessionKey({ accessToken: 'T', openid: 'o', sessionKey: SESSION_KEY }),
    ],
    ['getuserphonenumber', 40001, (c: WeChatClient) => c.getPhoneNumber({ accessToken: 'T', code: 'c' })],
    [
      'checksession',
      87009,
      (c: WeChatClient) => c.checkSessionKey({ accessToken: 'T', openid: 'o', sessionKey: SESSION_KEY }),
    ],
  ] as const)('counts %s answering %i', async (api, errcode, call) => {
    const recorded = recording();
    await call(client({ errcode, errmsg: 'refused' })).catch(() => undefined);
    expect(recorded).toEqual([['WeChatCall', { api, errcode: String(errcode) }]]);
  });

  it('counts a call that got no WeChat answer (a 502 page) as errcode none', async () => {
    const recorded = recording();
    await expect(
      client({ status: 502, body: '<html>bad gateway</html>', contentType: 'text/html' }).fetchStableToken()
    ).rejects.toThrow();
    expect(recorded).toEqual([['WeChatCall', { api: 'stable_token', errcode: 'none' }]]);
  });
});

describe('access_token refreshes', () => {
  it('counts a successful refresh and a failed one', async () => {
    const recorded = recording();
    let fail = false;
    const cache = new AccessTokenCache(new InMemoryAccessTokenPersistence(), async () => {
      if (fail) throw new Error('WeChat unreachable');
      return { accessToken: 'token', expiresInSeconds: 7200 };
    });
    await cache.get();
    const failing = new AccessTokenCache(new InMemoryAccessTokenPersistence(), async () => {
      throw new Error('WeChat unreachable');
    });
    fail = true;
    await expect(failing.get()).rejects.toThrow();
    expect(recorded.filter(([name]) => name === 'AccessTokenRefresh')).toEqual([
      ['AccessTokenRefresh', { outcome: 'success' }],
      ['AccessTokenRefresh', { outcome: 'failure' }],
    ]);
  });
});
