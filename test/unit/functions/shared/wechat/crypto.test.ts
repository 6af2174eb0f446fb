import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../../functions/shared/http/errors.js';
import {
  decryptUserData,
  loginStateSignature,
  rawDataSignature,
  verifyRawDataSignature,
} from '../../../../../functions/shared/wechat/crypto.js';
import {
  encryptLikeWeChat,
  encryptRawBlocks,
  loginStateVectors,
  newSessionKey,
  officialRawDataSample,
  officialSample,
} from '../../../../support/wechat/wechat-vectors.js';

const APP_ID = 'wx0123456789abcdef';

/** Runs `fn`, expecting AppError decrypt_failed whose message tells the client to log in again. */
const expectDecryptFailed = (fn: () => unknown): AppError => {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  const error = caught as AppError;
  expect(error.code).toBe('decrypt_failed');
  expect(error.message).toMatch(/log in again/);
  return error;
};

describe('decryptUserData', () => {
  it("decrypts WeChat's own published sample to its published plaintext", () => {
    const data = decryptUserData({
      sessionKey: officialSample.sessionKey,
      encryptedData: officialSample.encryptedData,
      iv: officialSample.iv,
      appId: officialSample.appId,
    });
    expect(data).toEqual(officialSample.plaintext);
  });

  it("refuses WeChat's sample for any other AppID (watermark check)", () => {
    expectDecryptFailed(() =>
      decryptUserData({
        sessionKey: officialSample.sessionKey,
        encryptedData: officialSample.encryptedData,
        iv: officialSample.iv,
        appId: APP_ID,
      })
    );
  });

  it('decrypts data we encrypted ourselves, Chinese text included', () => {
    const sessionKey = newSessionKey();
    const plaintext = {
      nickName: '小明',
      stepInfoList: [{ timestamp: 1, step: 42 }],
      watermark: { appid: APP_ID, timestamp: 2 },
    };
    const { encryptedData, iv } = encryptLikeWeChat(plaintext, sessionKey);
    expect(decryptUserData({ sessionKey, encryptedData, iv, appId: APP_ID })).toEqual(plaintext);
  });

  it('fails with the wrong session_key (a rotated key), never returning garbage', () => {
    // Several random wrong keys: with a lenient padding check some would "decrypt" to junk bytes.
    const sessionKey = newSessionKey();
    const { encryptedData, iv } = encryptLikeWeChat({ a: 1, watermark: { appid: APP_ID, timestamp: 1 } }, sessionKey);
    for (let i = 0; i < 50; i++) {
      expectDecryptFailed(() => decryptUserData({ sessionKey: newSessionKey(), encryptedData, iv, appId: APP_ID }));
    }
  });

  it('fails when the watermark names another AppID, or there is no watermark', () => {
    const sessionKey = newSessionKey();
    const other = encryptLikeWeChat({ a: 1, watermark: { appid: 'wxffffffffffffffff', timestamp: 1 } }, sessionKey);
    expectDecryptFailed(() => decryptUserData({ sessionKey, ...other, appId: APP_ID }));
    const none = encryptLikeWeChat({ a: 1 }, sessionKey);
    expectDecryptFailed(() => decryptUserData({ sessionKey, ...none, appId: APP_ID }));
  });

  it('fails on truncated ciphertext, whether or not the length stays a multiple of 16', () => {
    const sessionKey = newSessionKey();
    const { encryptedData, iv } = encryptLikeWeChat(
      { long: 'x'.repeat(100), watermark: { appid: APP_ID, timestamp: 1 } },
      sessionKey
    );
    const bytes = Buffer.from(encryptedData, 'base64');
    // Not a multiple of 16.
    expectDecryptFailed(() =>
      decryptUserData({
        sessionKey,
        encryptedData: bytes.subarray(0, bytes.length - 5).toString('base64'),
        iv,
        appId: APP_ID,
      })
    );
    // A whole block shorter: the padding is wrong (or the JSON is cut).
    expectDecryptFailed(() =>
      decryptUserData({
        sessionKey,
        encryptedData: bytes.subarray(0, bytes.length - 16).toString('base64'),
        iv,
        appId: APP_ID,
      })
    );
  });

  it("fails on base64 mangled in transit ('+' turned into a space) with a message saying so", () => {
    const sessionKey = newSessionKey();
    let sample = encryptLikeWeChat({ a: 1, watermark: { appid: APP_ID, timestamp: 1 } }, sessionKey);
    while (!sample.encryptedData.includes('+')) {
      sample = encryptLikeWeChat({ a: Math.random(), watermark: { appid: APP_ID, timestamp: 1 } }, sessionKey);
    }
    const mangled = sample.encryptedData.replaceAll('+', ' ');
    const error = expectDecryptFailed(() =>
      decryptUserData({ sessionKey, encryptedData: mangled, iv: sample.iv, appId: APP_ID })
    );
    expect(error.message).toMatch(/'\+' turned into a space/);
    // The official sample's encryptedData has '+' characters too.
    expectDecryptFailed(() =>
      decryptUserData({
        sessionKey: officialSample.sessionKey,
        encryptedData: officialSample.encryptedData.replaceAll('+', ' '),
        iv: officialSample.iv,
        appId: officialSample.appId,
      })
    );
  });

  it('fails on an iv that is not 16 bytes', () => {
    const sessionKey = newSessionKey();
    const { encryptedData } = encryptLikeWeChat({ watermark: { appid: APP_ID, timestamp: 1 } }, sessionKey);
    for (const iv of [Buffer.alloc(15).toString('base64'), Buffer.alloc(32).toString('base64'), '']) {
      expectDecryptFailed(() => decryptUserData({ sessionKey, encryptedData, iv, appId: APP_ID }));
    }
  });

  it('fails on a session_key that is not 16 bytes', () => {
    expectDecryptFailed(() =>
      decryptUserData({
        ...officialSample,
        sessionKey: Buffer.alloc(24).toString('base64'),
        appId: officialSample.appId,
      })
    );
  });

  it('fails on empty ciphertext', () => {
    expectDecryptFailed(() =>
      decryptUserData({
        sessionKey: newSessionKey(),
        encryptedData: '',
        iv: Buffer.alloc(16).toString('base64'),
        appId: APP_ID,
      })
    );
  });

  it('checks every PKCS#7 padding byte, not just the last one', () => {
    const sessionKey = newSessionKey();
    const iv = Buffer.alloc(16, 7).toString('base64');
    const json = Buffer.from(JSON.stringify({ watermark: { appid: APP_ID, timestamp: 1 } }));
    const padLength = 16 - (json.length % 16);
    const good = Buffer.concat([json, Buffer.alloc(padLength, padLength)]);
    expect(
      decryptUserData({ sessionKey, encryptedData: encryptRawBlocks(good, sessionKey, iv), iv, appId: APP_ID })
    ).toBeDefined();

    // Same final byte, but an earlier pad byte is wrong: a check of only the last byte would accept this.
    const inconsistent = Buffer.from(good);
    if (padLength > 1) inconsistent[inconsistent.length - padLength] = 0x20;
    else inconsistent[inconsistent.length - 1] = 0x11;
    expectDecryptFailed(() =>
      decryptUserData({ sessionKey, encryptedData: encryptRawBlocks(inconsistent, sessionKey, iv), iv, appId: APP_ID })
    );

    // A pad length of 0, and one over 16.
    for (const last of [0x00, 0x11]) {
      const bad = Buffer.concat([good.subarray(0, good.length - padLength), Buffer.alloc(padLength, 0x20)]);
      bad[bad.length - 1] = last;
      expectDecryptFailed(() =>
        decryptUserData({ sessionKey, encryptedData: encryptRawBlocks(bad, sessionKey, iv), iv, appId: APP_ID })
      );
    }
  });

  it('fails on a plaintext that is not a JSON object', () => {
    const sessionKey = newSessionKey();
    for (const text of ['not json', '[1,2]', '"string"']) {
      const sample = encryptLikeWeChat(text, sessionKey);
      expectDecryptFailed(() => decryptUserData({ sessionKey, ...sample, appId: APP_ID }));
    }
  });

  it('never puts the session_key into the error', () => {
    const sessionKey = newSessionKey();
    const error = expectDecryptFailed(() =>
      decryptUserData({ sessionKey, encryptedData: officialSample.encryptedData, iv: officialSample.iv, appId: APP_ID })
    );
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain(sessionKey);
  });
});

describe('rawData signature', () => {
  it("matches WeChat's published example", () => {
    expect(rawDataSignature(officialRawDataSample.rawData, officialRawDataSample.sessionKey)).toBe(
      officialRawDataSample.signature
    );
    expect(verifyRawDataSignature(officialRawDataSample)).toBe(true);
  });

  it('accepts a signature computed independently (digest over the concatenated UTF-8 bytes), any hex case', () => {
    const sessionKey = newSessionKey();
    const rawData = JSON.stringify({ nickName: '微信用户', gender: 0 });
    // Hash the two parts as separate byte chunks rather than one concatenated string.
    const independent = createHash('sha1')
      .update(Buffer.from(rawData, 'utf8'))
      .update(Buffer.from(sessionKey, 'ascii'))
      .digest('hex');
    expect(verifyRawDataSignature({ rawData, signature: independent, sessionKey })).toBe(true);
    expect(verifyRawDataSignature({ rawData, signature: independent.toUpperCase(), sessionKey })).toBe(true);
  });

  it('rejects a signature for other data, another key, or of the wrong form', () => {
    const { rawData, sessionKey, signature } = officialRawDataSample;
    expect(verifyRawDataSignature({ rawData: `${rawData} `, signature, sessionKey })).toBe(false);
    expect(verifyRawDataSignature({ rawData, signature, sessionKey: newSessionKey() })).toBe(false);
    for (const bad of ['', signature.slice(0, 39), `${signature}0`, 'z'.repeat(40), `${signature.slice(0, 38)}zz`]) {
      expect(verifyRawDataSignature({ rawData, signature: bad, sessionKey })).toBe(false);
    }
  });
});

describe('login-state signature (checkSessionKey)', () => {
  it("matches WeChat's published example", () => {
    const { sessionKey, payload, signature } = loginStateVectors.published;
    expect(loginStateSignature(sessionKey, payload)).toBe(signature);
  });

  it('signs the empty string keyed with the base64 TEXT of the session_key, as computed independently', () => {
    for (const { sessionKey, signature } of loginStateVectors.emptyMessage) {
      expect(loginStateSignature(sessionKey)).toBe(signature);
    }
  });
});
