import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptUserData } from '../../../../functions/shared/wechat/crypto.js';
import { type RunningWeChatStub, startWeChatStub } from '../../../../infra/local/wechat-stub.js';

/** The stub's access_token APIs behave like WeChat's, so the twin and the flow tests exercise the real paths. */
const APP_ID = 'wx9999888877776666';
const SECRET = 'stub-test-secret';
let stub: RunningWeChatStub;

const post = async (path: string, body: unknown) =>
  (await (await fetch(`${stub.baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) })).json()) as Record<
    string,
    unknown
  >;
const get = async (path: string, query: Record<string, string>) =>
  (await (await fetch(`${stub.baseUrl}${path}?${new URLSearchParams(query)}`)).json()) as Record<string, unknown>;

const stableToken = (overrides: Record<string, unknown> = {}) =>
  post('/cgi-bin/stable_token', {
    grant_type: 'client_credential',
    appid: APP_ID,
    secret: SECRET,
    force_refresh: false,
    ...overrides,
  });

const login = async (code: string) => {
  const reply = await get('/sns/jscode2session', {
    appid: APP_ID,
    secret: SECRET,
    js_code: code,
    grant_type: 'authorization_code',
  });
  return { openid: reply.openid as string, sessionKey: reply.session_key as string };
};

const checkSession = (token: string, openid: string, sessionKey: string) =>
  get('/wxa/checksession', {
    access_token: token,
    openid,
    signature: createHmac('sha256', sessionKey).update('').digest('hex'),
    sig_method: 'hmac_sha256',
  });

beforeAll(async () => {
  stub = await startWeChatStub({ appId: APP_ID, appSecret: SECRET });
});
afterAll(async () => {
  await stub.stop();
});

describe('stable_token', () => {
  it('returns the same token with expires_in about 7200 until it is near expiry', async () => {
    const first = await stableToken();
    const second = await stableToken();
    expect(typeof first.access_token).toBe('string');
    expect(second.access_token).toBe(first.access_token);
    expect(first.expires_in).toBeGreaterThan(7190);
    expect(first.expires_in).toBeLessThanOrEqual(7200);
  });

  it('refuses a wrong appid, secret or grant_type as WeChat does', async () => {
    expect((await stableToken({ appid: 'wx0000000000000000' })).errcode).toBe(40013);
    expect((await stableToken({ secret: 'wrong' })).errcode).toBe(40125);
    expect((await stableToken({ grant_type: 'password' })).errcode).toBe(40002);
  });

  it('after the current token is expired on demand, calls with it get 42001 and stable_token issues a new one', async () => {
    const user = await login('stubuser.1');
    const old = (await stableToken()).access_token as string;
    expect((await checkSession(old, user.openid, user.sessionKey)).errcode).toBe(0);
    expect(await post('/stub/expire-access-token', {})).toEqual({ ok: true });
    expect((await checkSession(old, user.openid, user.sessionKey)).errcode).toBe(42001);
    const renewed = (await stableToken()).access_token as string;
    expect(renewed).not.toBe(old);
    expect((await checkSession(renewed, user.openid, user.sessionKey)).errcode).toBe(0);
    expect((await checkSession('made-up', user.openid, user.sessionKey)).errcode).toBe(40001);
  });
});

describe('checksession', () => {
  it("accepts only the signature of the user's newest session_key (87009 otherwise)", async () => {
    const token = (await stableToken()).access_token as string;
    const older = await login('rotating.1');
    const newer = await login('rotating.2');
    expect((await checkSession(token, newer.openid, newer.sessionKey)).errcode).toBe(0);
    expect((await checkSession(token, older.openid, older.sessionKey)).errcode).toBe(87009);
    expect((await checkSession(token, 'oUnknown', newer.sessionKey)).errcode).toBe(87009);

    expect(await post('/stub/rotate-session-key', { openid: newer.openid })).toEqual({ ok: true });
    expect((await checkSession(token, newer.openid, newer.sessionKey)).errcode).toBe(87009);
  });
});

describe('getuserphonenumber', () => {
  it('returns a realistic phone_info for a code, the same number per user, each code once', async () => {
    const token = (await stableToken()).access_token as string;
    const path = `/wxa/business/getuserphonenumber?access_token=${encodeURIComponent(token)}`;
    const first = await post(path, { code: 'ann.p1' });
    expect(first.errcode).toBe(0);
    const info = first.phone_info as Record<string, unknown>;
    expect(info).toMatchObject({ countryCode: '86', watermark: { appid: APP_ID } });
    expect(info.phoneNumber).toMatch(/^1\d{10}$/);
    expect(typeof (info.watermark as { timestamp: unknown }).timestamp).toBe('number');
    expect(((await post(path, { code: 'ann.p2' })).phone_info as Record<string, unknown>).phoneNumber).toBe(
      info.phoneNumber
    );
    expect((await post(path, { code: 'ann.p1' })).errcode).toBe(40029);
    expect((await post(path, { code: 'invalid-x' })).errcode).toBe(40029);
  });

  it("with an openid, redeems only that user's code; another user's code is refused and stays unused for its owner", async () => {
    const token = (await stableToken()).access_token as string;
    const path = `/wxa/business/getuserphonenumber?access_token=${encodeURIComponent(token)}`;
    const bob = await login('bob.1');
    const carol = await login('carol.1');
    expect((await post(path, { code: 'carol.p1', openid: bob.openid })).errcode).toBe(40029);
    const own = await post(path, { code: 'carol.p1', openid: carol.openid });
    expect(own.errcode).toBe(0);
    expect((await post(path, { code: 'bob.p1', openid: bob.openid })).errcode).toBe(0);
    expect((await post(path, { code: 'bob.p2', openid: 'oSomeoneElse' })).errcode).toBe(40029);
  });

  it('an `expiretoken` code expires the current token once, answering 42001', async () => {
    const token = (await stableToken()).access_token as string;
    expect(
      (await post(`/wxa/business/getuserphonenumber?access_token=${token}`, { code: 'expiretoken.1' })).errcode
    ).toBe(42001);
    const renewed = (await stableToken()).access_token as string;
    expect(
      (await post(`/wxa/business/getuserphonenumber?access_token=${renewed}`, { code: 'expiretoken.1' })).errcode
    ).toBe(0);
  });
});

describe('encrypted-data (stub helper)', () => {
  it("encrypts data with a watermark under the user's newest session_key, as WeChat does for the mini program", async () => {
    const user = await login('werun.1');
    const sample = await post('/stub/encrypted-data', { openid: user.openid, data: { stepInfoList: [{ step: 1 }] } });
    const data = decryptUserData({
      sessionKey: user.sessionKey,
      encryptedData: sample.encryptedData as string,
      iv: sample.iv as string,
      appId: APP_ID,
    });
    expect(data).toMatchObject({ stepInfoList: [{ step: 1 }], watermark: { appid: APP_ID } });
  });
});
