import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../../../functions/shared/http/errors.js';
import { WeChatClient, type WeChatClientOptions } from '../../../../../functions/shared/wechat/client.js';
import { WeChatError } from '../../../../../functions/shared/wechat/wechat-error.js';
import { fakeFetch, type ScriptedReply } from '../../../../support/fakes/fake-fetch.js';
import { must } from '../../../../support/must.js';

const APP_ID = 'wx0123456789abcdef';
// Characters that change under URL-encoding, so a leak is caught in raw and in encoded form.
const SECRET = 'Sup3r/Secret+Value&x=1';
const SECRET_FORMS = [SECRET, encodeURIComponent(SECRET), new URLSearchParams({ s: SECRET }).toString().slice(2)];

const OK = { openid: 'oUser123', session_key: 'c2Vzc2lvbi1rZXktMTY=' };

const clientWith = (script: ScriptedReply[], options: Partial<WeChatClientOptions> = {}) => {
  const fake = fakeFetch(...script);
  // One host unless a test names more: the failover across hosts has its own tests (failover.test.ts).
  const client = new WeChatClient({
    appId: APP_ID,
    appSecret: async () => SECRET,
    apiBaseUrl: 'https://api.weixin.qq.com',
    busyRetryDelayMs: 1,
    fetch: fake.fetch,
    ...options,
  });
  return { client, calls: fake.calls };
};

/** The WeChatError an exchange fails with; fails the test if it succeeds or throws something else. */
const failureOf = async (promise: Promise<unknown>): Promise<WeChatError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WeChatError);
    return error as WeChatError;
  }
  throw new Error('expected the exchange to fail');
};

/** Everything an error could carry into a log line or a response, down its cause chain (loggers print causes). */
const everythingIn = (error: unknown): string => {
  if (!(error instanceof Error)) return JSON.stringify(error ?? null) ?? '';
  return [error.message, String(error), error.stack ?? '', JSON.stringify(error), everythingIn(error.cause)].join('\n');
};

describe('WeChatClient.exchangeCode: success', () => {
  it('parses a JSON reply sent as text/plain and returns openid and session_key', async () => {
    const { client, calls } = clientWith([OK]);
    expect(await client.exchangeCode('code-1')).toEqual({ openid: 'oUser123', sessionKey: 'c2Vzc2lvbi1rZXktMTY=' });
    expect(calls).toHaveLength(1);
  });

  it('accepts a success reply that carries errcode 0', async () => {
    const { client } = clientWith([{ ...OK, errcode: 0, errmsg: 'ok' }]);
    expect(await client.exchangeCode('code-1')).toEqual({ openid: 'oUser123', sessionKey: 'c2Vzc2lvbi1rZXktMTY=' });
  });

  it('returns unionid when WeChat sends one', async () => {
    const { client } = clientWith([{ ...OK, unionid: 'oUnion456' }]);
    expect(await client.exchangeCode('code-1')).toEqual({
      openid: 'oUser123',
      sessionKey: 'c2Vzc2lvbi1rZXktMTY=',
      unionid: 'oUnion456',
    });
  });

  it('returns no unionid key when WeChat sends none', async () => {
    const { client } = clientWith([OK]);
    expect(await client.exchangeCode('code-1')).not.toHaveProperty('unionid');
  });

  it('also parses a reply labelled application/json', async () => {
    const { client } = clientWith([{ status: 200, body: JSON.stringify(OK), contentType: 'application/json' }]);
    expect(await client.exchangeCode('code-1')).toMatchObject({ openid: 'oUser123' });
  });
});

describe('WeChatClient.exchangeCode: the request', () => {
  it('GETs /sns/jscode2session with appid, secret, js_code and grant_type', async () => {
    const { client, calls } = clientWith([OK], { apiBaseUrl: 'https://hk.api.weixin.qq.com/' });
    await client.exchangeCode('0a1B2c3D');
    const url = new URL(calls[0]?.url ?? '');
    expect(`${url.origin}${url.pathname}`).toBe('https://hk.api.weixin.qq.com/sns/jscode2session');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appid: APP_ID,
      secret: SECRET,
      js_code: '0a1B2c3D',
      grant_type: 'authorization_code',
    });
  });

  it('defaults to https://api.weixin.qq.com', async () => {
    const { client, calls } = clientWith([OK]);
    await client.exchangeCode('c');
    expect(calls[0]?.url.startsWith('https://api.weixin.qq.com/sns/jscode2session?')).toBe(true);
  });

  it('URL-encodes every query value: a code with & and = cannot add or change parameters', async () => {
    const code = 'abc&grant_type=client_credential&appid=wxEvil=';
    const { client, calls } = clientWith([OK]);
    await client.exchangeCode(code);
    const url = new URL(calls[0]?.url ?? '');
    expect(url.searchParams.get('js_code')).toBe(code);
    expect(url.searchParams.getAll('grant_type')).toEqual(['authorization_code']);
    expect(url.searchParams.getAll('appid')).toEqual([APP_ID]);
    expect(url.searchParams.get('secret')).toBe(SECRET);
    expect(url.search).not.toContain(code);
  });

  it('passes an AbortSignal to fetch', async () => {
    const { client, calls } = clientWith([OK]);
    await client.exchangeCode('c');
    expect(calls[0]?.signal).toBeInstanceOf(AbortSignal);
  });

  it('asks the secret provider on each exchange, so a rotated secret is picked up', async () => {
    let secret = 'first-secret';
    const { client, calls } = clientWith([OK, OK], { appSecret: async () => secret });
    await client.exchangeCode('c1');
    secret = 'rotated-secret';
    await client.exchangeCode('c2');
    const secrets = calls.map((call) => new URL(call.url).searchParams.get('secret'));
    expect(secrets).toEqual(['first-secret', 'rotated-secret']);
  });
});

describe('WeChatClient.exchangeCode: errcodes', () => {
  it.each<[number, ErrorCode]>([
    [40029, 'invalid_code'],
    [40163, 'invalid_code'],
    [40226, 'user_blocked'],
    [45011, 'rate_limited'],
    [40013, 'wechat_misconfigured'],
    [40125, 'wechat_misconfigured'],
    [40001, 'wechat_unavailable'],
    [-2, 'wechat_unavailable'],
    [61024, 'wechat_unavailable'],
  ])('errcode %i → %s, asked exactly once', async (errcode, code) => {
    const { client, calls } = clientWith([{ errcode, errmsg: `errmsg for ${errcode}` }, OK]);
    const error = await failureOf(client.exchangeCode('c'));
    expect(error.code).toBe(code);
    expect(error.errcode).toBe(errcode);
    expect(calls).toHaveLength(1);
  });

  it('never passes WeChat errmsg text to the client-facing message', async () => {
    const { client } = clientWith([{ errcode: 40125, errmsg: `invalid appsecret ${SECRET} rid: 1234` }]);
    const error = await failureOf(client.exchangeCode('c'));
    expect(error.message).not.toContain('invalid appsecret');
    expect(error.message).not.toContain('rid');
  });

  it('treats a non-numeric errcode as WeChat unavailable', async () => {
    const { client } = clientWith([{ errcode: '40029', errmsg: 'odd' }]);
    expect((await failureOf(client.exchangeCode('c'))).code).toBe('wechat_unavailable');
  });
});

describe('WeChatClient.exchangeCode: busy (-1)', () => {
  it('retries once and succeeds: exactly 2 calls', async () => {
    const { client, calls } = clientWith([{ errcode: -1, errmsg: 'system error' }, OK]);
    expect(await client.exchangeCode('c')).toMatchObject({ openid: 'oUser123' });
    expect(calls).toHaveLength(2);
  });

  it('gives up after the second -1 with wechat_busy: exactly 2 calls, never more', async () => {
    const busy = { errcode: -1, errmsg: 'system error' };
    const { client, calls } = clientWith([busy, busy, busy, OK]);
    const error = await failureOf(client.exchangeCode('c'));
    expect(error.code).toBe('wechat_busy');
    expect(calls).toHaveLength(2);
  });

  it('sends the same code on the retry', async () => {
    const { client, calls } = clientWith([{ errcode: -1 }, OK]);
    await client.exchangeCode('same-code');
    expect(calls.map((call) => new URL(call.url).searchParams.get('js_code'))).toEqual(['same-code', 'same-code']);
  });

  it('reports what the retry got: -1 then 40163 is invalid_code', async () => {
    const { client, calls } = clientWith([{ errcode: -1 }, { errcode: 40163 }]);
    expect((await failureOf(client.exchangeCode('c'))).code).toBe('invalid_code');
    expect(calls).toHaveLength(2);
  });

  it.each<[string, ScriptedReply]>([
    ['a network error', new TypeError('fetch failed')],
    ['HTTP 500', { status: 500, body: 'error' }],
    ['a non-JSON reply', '<html>busy</html>'],
  ])('does not retry %s', async (_case, reply) => {
    const { client, calls } = clientWith([reply, OK]);
    expect((await failureOf(client.exchangeCode('c'))).code).toBe('wechat_unavailable');
    expect(calls).toHaveLength(1);
  });
});

describe('WeChatClient.exchangeCode: WeChat unreachable or garbled', () => {
  it('maps a network error to wechat_unavailable', async () => {
    const { client } = clientWith([new TypeError('fetch failed')]);
    expect((await failureOf(client.exchangeCode('c'))).code).toBe('wechat_unavailable');
  });

  it('maps a timeout to wechat_unavailable, aborting the call through its signal', async () => {
    const { client, calls } = clientWith(['hang'], { timeoutMs: 20 });
    const error = await failureOf(client.exchangeCode('c'));
    expect(error.code).toBe('wechat_unavailable');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.signal?.aborted).toBe(true);
    expect((must(calls[0]?.signal, 'the call signal').reason as Error).name).toBe('TimeoutError');
  });

  it.each<[string, ScriptedReply]>([
    ['an HTML page', { status: 200, body: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' }],
    ['an empty body', ''],
    ['truncated JSON', '{"openid":"oUser123","session_'],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['a JSON string', '"ok"'],
  ])('maps %s to wechat_unavailable', async (_case, reply) => {
    const { client } = clientWith([reply]);
    expect((await failureOf(client.exchangeCode('c'))).code).toBe('wechat_unavailable');
  });

  it.each([500, 502, 404])('maps HTTP %i to wechat_unavailable, even with a JSON body', async (status) => {
    const { client } = clientWith([{ status, body: JSON.stringify(OK) }]);
    expect((await failureOf(client.exchangeCode('c'))).code).toBe('wechat_unavailable');
  });

  it.each<[string, Record<string, unknown>]>([
    ['no openid', { session_key: OK.session_key }],
    ['no session_key', { openid: OK.openid }],
    ['an empty openid', { ...OK, openid: '' }],
    ['an empty session_key', { ...OK, session_key: '' }],
    ['a non-string openid', { ...OK, openid: 123 }],
    ['nothing at all', {}],
  ])('maps a reply with %s to wechat_unavailable', async (_case, reply) => {
    const { client } = clientWith([reply]);
    expect((await failureOf(client.exchangeCode('c'))).code).toBe('wechat_unavailable');
  });
});

describe('WeChatClient: the app secret never leaks', () => {
  const urlQuotingError = () =>
    new TypeError(
      `fetch failed: connect ECONNREFUSED https://api.weixin.qq.com/sns/jscode2session?secret=${encodeURIComponent(SECRET)}`
    );

  it.each<[string, ScriptedReply[], number?]>([
    ['a network error that quotes the URL', [urlQuotingError()]],
    ['a timeout', ['hang'], 20],
    ['HTTP 500', [{ status: 500, body: `upstream error for secret=${SECRET}` }]],
    ['a non-JSON reply', [`<html>${SECRET}</html>`]],
    ['errcode 40125', [{ errcode: 40125, errmsg: `invalid appsecret ${SECRET}` }]],
    ['errcode 40013', [{ errcode: 40013, errmsg: 'invalid appid' }]],
    ['an unknown errcode', [{ errcode: 99999, errmsg: SECRET }]],
    ['busy twice', [{ errcode: -1 }, { errcode: -1 }]],
    ['a reply without identity', [{ errmsg: SECRET }]],
  ])('not in the error for %s', async (_case, script, timeoutMs) => {
    const { client } = clientWith(script, timeoutMs ? { timeoutMs } : {});
    const error = await failureOf(client.exchangeCode('c'));
    const text = everythingIn(error);
    for (const form of SECRET_FORMS) expect(text).not.toContain(form);
  });
});
