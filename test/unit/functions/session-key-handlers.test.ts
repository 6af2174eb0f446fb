import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
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
import { encryptLikeWeChat, newSessionKey } from '../../support/wechat/wechat-vectors.js';

/**
 * The four handlers with their domain services on fakes: the HTTP contract (statuses, bodies, error shapes) without
 * I/O. The flows against DynamoDB Local and the WeChat stub are in wx-flow.test.ts.
 */
const APP_ID = 'wx0123456789abcdef';
const SESSION_ID = 'A'.repeat(43);
const caller = { openid: 'oCaller' };

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
  return { status: response.statusCode, body: JSON.parse(String(response.body)) as Record<string, unknown> };
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
      revoke: async (sessionId: unknown) => {
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
  const decrypt = createDecrypt({ userData: new UserData(keysWith(sessionKey).keys, APP_ID) }) as Handler;
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

  it('answers 400 decrypt_failed when no session_key is known for the user any more', async () => {
    const handler = createDecrypt({ userData: new UserData(keysWith(undefined).keys, APP_ID) }) as Handler;
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
    const status = new SessionKeyStatus(
      keys,
      sessions,
      { withToken: (call) => call('token') },
      {
        checkSessionKey: async (input) => {
          checked.push(input);
          if (wechatSays instanceof Error) throw wechatSays;
          return wechatSays;
        },
      }
    );
    return { handler: createStatus({ status }) as Handler, revoked, checked };
  };

  it("answers {valid: true} when WeChat accepts the user's newest session_key, ending nothing", async () => {
    const sessionKey = newSessionKey();
    const { handler, revoked, checked } = statusWith(sessionKey, true);
    expect(await invoke(handler, 'GET', '/wx/session-key/status')).toEqual({ status: 200, body: { valid: true } });
    expect(checked).toEqual([{ accessToken: 'token', openid: caller.openid, sessionKey }]);
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
  const phoneWith = (answer: typeof phoneInfo | Error) => {
    const codes: string[] = [];
    const handler = createPhone({
      phoneNumbers: {
        lookup: async (code) => {
          codes.push(code);
          if (answer instanceof Error) throw answer;
          return answer;
        },
      },
    }) as Handler;
    return { handler, codes };
  };

  it('answers 200 with phone_info', async () => {
    const { handler, codes } = phoneWith(phoneInfo);
    expect(await invoke(handler, 'POST', '/wx/phone', '{"code":"abc123"}')).toEqual({ status: 200, body: phoneInfo });
    expect(codes).toEqual(['abc123']);
  });

  it('answers 400 invalid_phone_code when WeChat refuses the code', async () => {
    const { handler } = phoneWith(
      new WeChatError(
        'invalid_phone_code',
        'The phone number code is invalid, used or expired; ask the user again',
        40029
      )
    );
    expect(await invoke(handler, 'POST', '/wx/phone', '{"code":"used"}')).toMatchObject({
      status: 400,
      body: { error: 'invalid_phone_code' },
    });
  });

  for (const [what, body] of [
    ...BAD_BODIES,
    ['an empty code', '{"code":""}'],
    ['a code with spaces', '{"code":"a b"}'],
    ['a code over 128 characters', JSON.stringify({ code: 'c'.repeat(129) })],
    ['a numeric code', '{"code":123}'],
  ] as [string, string][]) {
    it(`answers 400 bad_request for ${what}, without asking WeChat`, async () => {
      const { handler, codes } = phoneWith(phoneInfo);
      expect((await invoke(handler, 'POST', '/wx/phone', body)).body.error).toBe('bad_request');
      expect(codes).toEqual([]);
    });
  }
});
