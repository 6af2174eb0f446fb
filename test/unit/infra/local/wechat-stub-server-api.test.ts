import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WeChatClient } from '../../../../functions/shared/wechat/client.js';
import { isAccessTokenRejected } from '../../../../functions/shared/wechat/errcodes.js';
import { WeChatError } from '../../../../functions/shared/wechat/wechat-error.js';
import { recordingFetch } from '../../../support/wechat/recording-fetch.js';

const APP_ID = 'wx0123456789abcdef';
const SECRET = 'server-api-secret-5c1d';
const TOKEN = `ACCESS_${'t'.repeat(150)}`;
const SESSION_KEY = 'o0q0otL8aEzpcZL/FT9WsQ==';

const client = (...script: Parameters<typeof recordingFetch>) => {
  const recorded = recordingFetch(...script);
  const wechat = new WeChatClient({
    appId: APP_ID,
    appSecret: async () => SECRET,
    apiBaseUrl: 'https://api.example.test/',
    timeoutMs: 100,
    fetch: recorded.fetch,
  });
  return { wechat, requests: recorded.requests };
};

/** Runs `promise`, expecting a WeChatError, and checks no secret or token leaked into it. */
const rejected = async (promise: Promise<unknown>): Promise<WeChatError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(WeChatError);
  const text = JSON.stringify({ message: (error as Error).message, cause: String((error as Error).cause) });
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(TOKEN);
  return error as WeChatError;
};

describe('fetchStableToken', () => {
  it('POSTs JSON to /cgi-bin/stable_token in normal mode (never force_refresh), the secret in the body only', async () => {
    const { wechat, requests } = client({ access_token: TOKEN, expires_in: 7200 });
    expect(await wechat.fetchStableToken()).toEqual({ accessToken: TOKEN, expiresInSeconds: 7200 });
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url.href).toBe('https://api.example.test/cgi-bin/stable_token');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      grant_type: 'client_credential',
      appid: APP_ID,
      secret: SECRET,
      force_refresh: false,
    });
  });

  it('maps a bad appid or secret to a misconfiguration (500) and busy to wechat_busy', async () => {
    for (const [errcode, code] of [
      [40013, 'wechat_misconfigured'],
      [40125, 'wechat_misconfigured'],
      [40164, 'wechat_misconfigured'],
      [-1, 'wechat_busy'],
      [45009, 'wechat_unavailable'],
    ] as const) {
      const { wechat } = client({ errcode, errmsg: `error with ${SECRET}` });
      const error = await rejected(wechat.fetchStableToken());
      expect(error.code).toBe(code);
      expect(error.errcode).toBe(errcode);
    }
  });

  it('refuses a reply without a token or with a nonsense lifetime', async () => {
    for (const reply of [
      {},
      { access_token: '', expires_in: 7200 },
      { access_token: TOKEN },
      { access_token: TOKEN, expires_in: 0 },
    ]) {
      const { wechat } = client(reply);
      expect((await rejected(wechat.fetchStableToken())).code).toBe('wechat_unavailable');
    }
  });
});

describe('checkSessionKey', () => {
  it('GETs /wxa/checksession with the HMAC-SHA256 login-state signature of the empty string, and is true on errcode 0', async () => {
    const { wechat, requests } = client({ errcode: 0, errmsg: 'ok' });
    expect(await wechat.checkSessionKey({ accessToken: TOKEN, openid: 'oUser1', sessionKey: SESSION_KEY })).toBe(true);
    const url = requests[0]!.url;
    expect(requests[0]?.method).toBe('GET');
    expect(url.pathname).toBe('/wxa/checksession');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      access_token: TOKEN,
      openid: 'oUser1',
      sig_method: 'hmac_sha256',
      signature: createHmac('sha256', SESSION_KEY).update('').digest('hex'),
    });
    // The session_key itself never leaves the server.
    expect(url.href).not.toContain(encodeURIComponent(SESSION_KEY));
  });

  it('is false on 87009 (invalid signature: the session_key is no longer valid)', async () => {
    const { wechat } = client({ errcode: 87009, errmsg: 'invalid signature' });
    expect(await wechat.checkSessionKey({ accessToken: TOKEN, openid: 'oUser1', sessionKey: SESSION_KEY })).toBe(false);
  });

  it('reports a rejected access token as such (40001, 42001, 40014), and nothing else', async () => {
    for (const errcode of [40001, 42001, 40014]) {
      const { wechat } = client({ errcode, errmsg: 'access_token expired' });
      const error = await rejected(
        wechat.checkSessionKey({ accessToken: TOKEN, openid: 'o', sessionKey: SESSION_KEY })
      );
      expect(isAccessTokenRejected(error)).toBe(true);
      expect(error.code).toBe('wechat_unavailable');
    }
    for (const reply of [
      { errcode: -1 },
      { errcode: 40003 },
      new TypeError(`fetch failed for access_token=${TOKEN}`),
    ]) {
      const { wechat } = client(reply);
      const error = await rejected(
        wechat.checkSessionKey({ accessToken: TOKEN, openid: 'o', sessionKey: SESSION_KEY })
      );
      expect(isAccessTokenRejected(error)).toBe(false);
    }
  });
});

describe('getPhoneNumber', () => {
  const phoneInfo = {
    phoneNumber: '13800138000',
    purePhoneNumber: '13800138000',
    countryCode: '86',
    watermark: { timestamp: 1_700_000_000, appid: APP_ID },
  };

  it('POSTs {code} with the access token in the query and returns phone_info', async () => {
    const { wechat, requests } = client({ errcode: 0, errmsg: 'ok', phone_info: phoneInfo });
    expect(await wechat.getPhoneNumber({ accessToken: TOKEN, code: 'phone-code-1' })).toEqual(phoneInfo);
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.url.pathname).toBe('/wxa/business/getuserphonenumber');
    expect(requests[0]?.url.searchParams.get('access_token')).toBe(TOKEN);
    expect(requests[0]?.body).toEqual({ code: 'phone-code-1' });
  });

  it("sends the caller's openid with the code when given, so WeChat redeems only that user's code", async () => {
    const { wechat, requests } = client({ errcode: 0, errmsg: 'ok', phone_info: phoneInfo });
    await wechat.getPhoneNumber({ accessToken: TOKEN, code: 'phone-code-2', openid: 'oCarol' });
    expect(requests[0]?.body).toEqual({ code: 'phone-code-2', openid: 'oCarol' });
  });

  it('maps an invalid code to invalid_phone_code (400) and a minute quota to rate_limited', async () => {
    const invalid = client({ errcode: 40029, errmsg: 'invalid code' });
    expect((await rejected(invalid.wechat.getPhoneNumber({ accessToken: TOKEN, code: 'x' }))).code).toBe(
      'invalid_phone_code'
    );
    const limited = client({ errcode: 45011, errmsg: 'api minute-quota reach limit' });
    expect((await rejected(limited.wechat.getPhoneNumber({ accessToken: TOKEN, code: 'x' }))).code).toBe(
      'rate_limited'
    );
  });

  it('refuses a success reply without a phone number', async () => {
    const { wechat } = client({ errcode: 0, errmsg: 'ok', phone_info: { countryCode: '86' } });
    expect((await rejected(wechat.getPhoneNumber({ accessToken: TOKEN, code: 'x' }))).code).toBe('wechat_unavailable');
  });
});
