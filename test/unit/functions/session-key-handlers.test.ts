import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../functions/shared/limits/rate-limiter.js';
import { RecentAnswers } from '../../../functions/shared/limits/recent-answers.js';
import { PhoneNumbers } from '../../../functions/shared/session-key/phone-numbers.js';
import { RawDataSignatures } from '../../../functions/shared/session-key/raw-data-signatures.js';
import { SessionKeyStatus } from '../../../functions/shared/session-key/session-key-status.js';
import { UserData } from '../../../functions/shared/session-key/user-data.js';
import { rawDataSignature } from '../../../functions/shared/wechat/crypto.js';
import { WeChatError } from '../../../functions/shared/wechat/wechat-error.js';
import { createHandler as createDecrypt } from '../../../functions/wx-decrypt/handler.js';
import { createHandler as createPhone } from '../../../functions/wx-phone/handler.js';
import { createHandler as createStatus } from '../../../functions/wx-session-key-status/handler.js';
import { createHandler as createVerify } from '../../../functions/wx-verify/handler.js';
import { httpEvent, lambdaContext } from '../../support/events.js';
import { InMemoryCounterStore } from '../../support/fakes/in-memory-counter-store.js';
import { InMemoryRecentAnswerStore } from '../../support/fakes/in-memory-recent-answer-store.js';
import { encryptLikeWeChat, newSessionKey } from '../../support/wechat/wechat-vectors.js';

/**
 * The four handlers with their domain services on fakes: the HTTP contract (statuses, bodies, error shapes) without
 * I/O. The flows against DynamoDB Local and the WeChat stub are in wx-flow.test.ts.
 */
const APP_ID = 'wx0123456789abcdef';
const SESSION_ID = 'A'.repeat(43);
const caller = { openid: 'oCaller', appId: APP_ID };

type Handler = (event: never, context: never) => Promise<unknown>;

const invoke = async (handler: Handler, method: string, path: string, body?: string, isBase64Encoded = false) => {
  const event = httpEvent({
    method,
    path,
    headers: { 'X-Session-Id': SESSION_ID },
    authorizerContext: caller,
    ...(body !== undefined ? { body, isBase64Encoded } : {}),
  });
  const response = (await handler(event as never, lambdaContext() as never)) as APIGatewayProxyStructuredResultV2;
  const answer = { status: response.statusCode, body: JSON.parse(String(response.body)) as Record<string, unknown> };
  // Headers too, for the tests that need them, without changing what `toEqual` compares.
  return Object.defineProperty(answer, 'headers', {
    value: response.headers ?? {},
    enumerable: false,
  }) as typeof answer & {
    headers: Record<string, unknown>;
  };
};

/** The user's newest session_key as the services see it, and the sessions a service ended. */
const keysWith = (sessionKey: string | undefined) => {
  const revoked: unknown[] = [];
  return {
    revoked,
    keys: {
      current: async (who: { openid: string }) => {
        expect(who.openid).toBe(caller.openid);
        return sessionKey;
      },
    },
    sessions: {
      revoke: async (who: { openid: string }, sessionId: unknown) => {
        expect(who.openid).toBe(caller.openid);
        revoked.push(sessionId);
      },
    },
  };
};

const BAD_BODIES: [string, string][] = [
  ['not JSON', '{"encryptedData":'],
  ['a JSON array', '[]'],
  ['a JSON string', '"text"'],
  ['an empty object', '{}'],
];

describe('POST /wx/decrypt', () => {
  const sessionKey = newSessionKey();
  const decrypt = createDecrypt({ userData: new UserData(keysWith(sessionKey).keys) }) as Handler;
  const data = { nickName: 'n', watermark: { appid: APP_ID, timestamp: 1 } };

  it('answers 200 with the decrypted JSON, also for a base64-encoded request body', async () => {
    const body = JSON.stringify(encryptLikeWeChat(data, sessionKey));
    expect(await invoke(decrypt, 'POST', '/wx/decrypt', body)).toEqual({ status: 200, body: data });
    expect(await invoke(decrypt, 'POST', '/wx/decrypt', Buffer.from(body).toString('base64'), true)).toEqual({
      status: 200,
      body: data,
    });
  });

  it('answers 400 decrypt_failed telling the client to log in again when the key does not fit', async () => {
    const body = JSON.stringify(encryptLikeWeChat(data, newSessionKey()));
    const response = await invoke(decrypt, 'POST', '/wx/decrypt', body);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('decrypt_failed');
    expect(response.body.message).toMatch(/log in again/);
    expect(JSON.stringify(response.body)).not.toContain(sessionKey);
  });

  it('answers 400 decrypt_failed for data of another of our mini programs (its watermark names another app)', async () => {
    const other = { nickName: 'n', watermark: { appid: 'wxfedcba9876543210', timestamp: 1 } };
    const body = JSON.stringify(encryptLikeWeChat(other, sessionKey));
    expect(await invoke(decrypt, 'POST', '/wx/decrypt', body)).toMatchObject({
      status: 400,
      body: { error: 'decrypt_failed' },
    });
  });

  it('answers 400 decrypt_failed when no session_key is known for the user any more', async () => {
    const handler = createDecrypt({ userData: new UserData(keysWith(undefined).keys) }) as Handler;
    const response = await invoke(handler, 'POST', '/wx/decrypt', JSON.stringify(encryptLikeWeChat(data, sessionKey)));
    expect(response).toMatchObject({ status: 400, body: { error: 'decrypt_failed' } });
  });

  for (const [what, body] of [
    ...BAD_BODIES,
    ['iv missing', '{"encryptedData":"AAAA"}'],
    ['a number for encryptedData', '{"encryptedData":1,"iv":"AAAA"}'],
    ['null for iv', '{"encryptedData":"AAAA","iv":null}'],
  ] as [string, string][]) {
    it(`answers 400 decrypt_failed for ${what}, telling the client to log in again`, async () => {
      const response = await invoke(decrypt, 'POST', '/wx/decrypt', body);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('decrypt_failed');
      expect(response.body.message).toMatch(/log in again/);
    });
  }
});

describe('POST /wx/verify', () => {
  const sessionKey = newSessionKey();
  const verify = createVerify({ signatures: new RawDataSignatures(keysWith(sessionKey).keys) }) as Handler;
  const rawData = '{"nickName":"n"}';

  it('answers {valid: true} for sha1(rawData + session_key) and {valid: false} otherwise', async () => {
    const good = JSON.stringify({ rawData, signature: rawDataSignature(rawData, sessionKey) });
    expect(await invoke(verify, 'POST', '/wx/verify', good)).toEqual({ status: 200, body: { valid: true } });
    const bad = JSON.stringify({ rawData, signature: rawDataSignature(rawData, newSessionKey()) });
    expect(await invoke(verify, 'POST', '/wx/verify', bad)).toEqual({ status: 200, body: { valid: false } });
    const garbage = JSON.stringify({ rawData, signature: 'not-a-signature' });
    expect(await invoke(verify, 'POST', '/wx/verify', garbage)).toEqual({ status: 200, body: { valid: false } });
  });

  it('answers {valid: false} when no session_key is known for the user any more', async () => {
    const handler = createVerify({ signatures: new RawDataSignatures(keysWith(undefined).keys) }) as Handler;
    const body = JSON.stringify({ rawData, signature: rawDataSignature(rawData, sessionKey) });
    expect(await invoke(handler, 'POST', '/wx/verify', body)).toEqual({ status: 200, body: { valid: false } });
  });

  for (const [what, body] of [...BAD_BODIES, ['a signature that is not a string', '{"rawData":"x","signature":5}']] as [
    string,
    string,
  ][]) {
    it(`answers 400 bad_request for ${what}`, async () => {
      expect((await invoke(verify, 'POST', '/wx/verify', body)).body.error).toBe('bad_request');
    });
  }
});

describe('GET /wx/session-key/status', () => {
  const statusWith = (sessionKey: string | undefined, wechatSays: boolean | Error) => {
    const { keys, sessions, revoked } = keysWith(sessionKey);
    const checked: unknown[] = [];
    const clock = { now: Date.UTC(2026, 11, 1, 12, 0, 0) };
    const store = new InMemoryRecentAnswerStore();
    const status = new SessionKeyStatus(
      keys,
      sessions,
      (appId) => ({
        tokens: { withToken: (call) => call(`token-of-${appId}`) },
        wechat: {
          checkSessionKey: async (input) => {
            checked.push(input);
            if (wechatSays instanceof Error) throw wechatSays;
            return wechatSays;
          },
        },
      }),
      new RecentAnswers(store, { name: 'session_key checks per user', windowSeconds: 60 }, () => clock.now)
    );
    return { handler: createStatus({ status }) as Handler, revoked, checked, clock, store };
  };
  const statusOf = (handler: Handler) => invoke(handler, 'GET', '/wx/session-key/status');

  it('asks WeChat at most once per user per 60 s: calls within the window get the last answer', async () => {
    const { handler, checked, clock } = statusWith(newSessionKey(), true);
    expect(await statusOf(handler)).toEqual({ status: 200, body: { valid: true } });
    clock.now += 59_999;
    expect(await statusOf(handler)).toEqual({ status: 200, body: { valid: true } });
    expect(checked).toHaveLength(1);
    clock.now += 1;
    expect(await statusOf(handler)).toEqual({ status: 200, body: { valid: true } });
    expect(checked).toHaveLength(2);
  });

  it('a remembered {valid: false} ends the calling session too, without asking WeChat again', async () => {
    const { handler, checked, revoked } = statusWith(newSessionKey(), false);
    expect((await statusOf(handler)).body).toEqual({ valid: false });
    expect((await statusOf(handler)).body).toEqual({ valid: false });
    expect(checked).toHaveLength(1);
    expect(revoked).toEqual([SESSION_ID, SESSION_ID]);
  });

  it('asks again at once about a new session_key (the user logged in again), whatever the window', async () => {
    const { handler, checked, store } = statusWith(newSessionKey(), true);
    await statusOf(handler);
    // What a re-login changes: the newest key, so the remembered answer is about another key.
    const entry = store.entries.get(caller.openid);
    expect(entry?.fingerprint).toMatch(/^[\w-]{43}$/);
    store.entries.set(caller.openid, { ...entry!, fingerprint: 'a-key-before-the-re-login' });
    await statusOf(handler);
    expect(checked).toHaveLength(2);
  });

  it('remembers a fingerprint of the session_key, never the key itself', async () => {
    const sessionKey = newSessionKey();
    const { handler, store } = statusWith(sessionKey, true);
    await statusOf(handler);
    expect(JSON.stringify([...store.entries])).not.toContain(sessionKey);
  });

  it('while the first check of the window waits for WeChat (or after it failed), refuses with 429 and Retry-After, never asking twice', async () => {
    const { handler, checked, clock } = statusWith(
      newSessionKey(),
      new WeChatError('wechat_unavailable', 'WeChat could not be reached (TimeoutError)')
    );
    expect((await statusOf(handler)).status).toBe(502);
    clock.now += 20_000;
    const refused = await statusOf(handler);
    expect(refused).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(refused.headers['retry-after']).toBe('40');
    expect(checked).toHaveLength(1);
  });

  it('fails closed: when the last answer cannot be read, 500 and WeChat is not asked', async () => {
    const { handler, checked, store, revoked } = statusWith(newSessionKey(), true);
    store.failWith = new Error('DynamoDB is down');
    expect(await statusOf(handler)).toMatchObject({ status: 500, body: { error: 'internal_error' } });
    expect(checked).toEqual([]);
    expect(revoked).toEqual([]);
  });

  it("answers {valid: true} when WeChat accepts the user's newest session_key, ending nothing", async () => {
    const sessionKey = newSessionKey();
    const { handler, revoked, checked } = statusWith(sessionKey, true);
    expect(await invoke(handler, 'GET', '/wx/session-key/status')).toEqual({ status: 200, body: { valid: true } });
    expect(checked).toEqual([{ accessToken: `token-of-${APP_ID}`, openid: caller.openid, sessionKey }]);
    expect(revoked).toEqual([]);
  });

  it('answers {valid: false} and ends the calling session when WeChat says 87009', async () => {
    const { handler, revoked } = statusWith(newSessionKey(), false);
    expect(await invoke(handler, 'GET', '/wx/session-key/status')).toEqual({ status: 200, body: { valid: false } });
    expect(revoked).toEqual([SESSION_ID]);
  });

  it('answers {valid: false} without asking WeChat when no session_key is known', async () => {
    const { handler, revoked, checked } = statusWith(undefined, true);
    expect(await invoke(handler, 'GET', '/wx/session-key/status')).toEqual({ status: 200, body: { valid: false } });
    expect(checked).toEqual([]);
    expect(revoked).toEqual([SESSION_ID]);
  });

  it('answers 502 when WeChat cannot be asked, and keeps the session', async () => {
    const { handler, revoked } = statusWith(
      newSessionKey(),
      new WeChatError('wechat_unavailable', 'WeChat could not be reached (TimeoutError)')
    );
    expect(await invoke(handler, 'GET', '/wx/session-key/status')).toMatchObject({
      status: 502,
      body: { error: 'wechat_unavailable' },
    });
    expect(revoked).toEqual([]);
  });
});

describe('POST /wx/phone', () => {
  const phoneInfo = {
    phoneNumber: '13800138000',
    purePhoneNumber: '13800138000',
    countryCode: '86',
    watermark: { timestamp: 1, appid: APP_ID },
  };
  const NOW = Date.UTC(2026, 11, 1, 18, 0, 0);
  /** The real PhoneNumbers on fakes: a scripted WeChat, a token, an in-memory daily counter (limit 2). */
  const phoneWith = (answer: typeof phoneInfo | Error) => {
    const asked: { accessToken: string; code: string; openid?: string }[] = [];
    const counters = new InMemoryCounterStore();
    const perDay = new RateLimiter(counters, { name: 'phone', limit: 2, windowSeconds: 86_400 }, () => NOW);
    const wechat = {
      getPhoneNumber: async (input: { accessToken: string; code: string; openid?: string }) => {
        asked.push(input);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
    const tokens = { withToken: <T>(call: (accessToken: string) => Promise<T>) => call('access-token') };
    const apps = (appId: string) => {
      expect(appId).toBe(caller.appId);
      return { tokens, wechat };
    };
    const handler = createPhone({ phoneNumbers: new PhoneNumbers(apps, perDay) }) as Handler;
    return { handler, asked, counters };
  };
  const phone = (handler: Handler, body = '{"code":"abc123"}') => invoke(handler, 'POST', '/wx/phone', body);

  it("answers 200 with phone_info, having sent WeChat the caller's openid with the code", async () => {
    const { handler, asked } = phoneWith(phoneInfo);
    expect(await phone(handler)).toMatchObject({ status: 200, body: phoneInfo });
    expect(asked).toEqual([{ accessToken: 'access-token', code: 'abc123', openid: caller.openid }]);
  });

  it("answers 400 invalid_phone_code when WeChat refuses the code (another user's code among them)", async () => {
    const { handler } = phoneWith(
      new WeChatError(
        'invalid_phone_code',
        'The phone number code is invalid, used or expired; ask the user again',
        40029
      )
    );
    expect(await phone(handler, '{"code":"used"}')).toMatchObject({
      status: 400,
      body: { error: 'invalid_phone_code' },
    });
  });

  it('answers 502 wechat_unavailable, without the number, when the watermark is not our AppID', async () => {
    const { handler } = phoneWith({ ...phoneInfo, watermark: { timestamp: 1, appid: 'wxffffffffffffffff' } });
    const answer = await phone(handler);
    expect(answer).toMatchObject({ status: 502, body: { error: 'wechat_unavailable' } });
    expect(JSON.stringify(answer.body)).not.toContain(phoneInfo.phoneNumber);
  });

  it("answers 429 rate_limited with Retry-After until UTC midnight once the user's daily lookups are used, without asking WeChat", async () => {
    const { handler, asked } = phoneWith(phoneInfo);
    expect((await phone(handler)).status).toBe(200);
    expect((await phone(handler)).status).toBe(200);
    const refused = await phone(handler);
    expect(refused).toMatchObject({ status: 429, body: { error: 'rate_limited', message: expect.any(String) } });
    expect(refused.headers['retry-after']).toBe(String(6 * 3600));
    expect(asked).toHaveLength(2);
  });

  it('counts lookups WeChat refuses too (each one reached WeChat)', async () => {
    const { handler, counters } = phoneWith(new WeChatError('invalid_phone_code', 'refused', 40029));
    await phone(handler);
    await phone(handler);
    expect((await phone(handler)).status).toBe(429);
    expect(counters.calls.map((call) => call.subject)).toEqual(Array(3).fill(caller.openid));
  });

  it('fails closed: a counter that cannot be written answers 500 and WeChat is not asked', async () => {
    const { handler, asked, counters } = phoneWith(phoneInfo);
    counters.failWith = new Error('DynamoDB is down');
    expect(await phone(handler)).toMatchObject({ status: 500, body: { error: 'internal_error' } });
    expect(asked).toEqual([]);
  });

  for (const [what, body] of [
    ...BAD_BODIES,
    ['an empty code', '{"code":""}'],
    ['a code with spaces', '{"code":"a b"}'],
    ['a code over 128 characters', JSON.stringify({ code: 'c'.repeat(129) })],
    ['a numeric code', '{"code":123}'],
  ] as [string, string][]) {
    it(`answers 400 bad_request for ${what}, without counting it or asking WeChat`, async () => {
      const { handler, asked, counters } = phoneWith(phoneInfo);
      expect((await phone(handler, body)).body.error).toBe('bad_request');
      expect(asked).toEqual([]);
      expect(counters.calls).toEqual([]);
    });
  }
});
