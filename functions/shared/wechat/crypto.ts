import { createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../http/errors.js';

/**
 * WeChat's session_key cryptography: decrypting `encryptedData`, checking `rawData` signatures and signing the
 * login state for checkSessionKey. Pure functions of their inputs; the session_key is never put into an error.
 */
const AES_BLOCK_BYTES = 16;
const SESSION_KEY_BYTES = 16;

/** Standard base64 with its padding, nothing else: Buffer.from() would silently skip a space that was a '+'. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** One message for every cryptographic failure, so a caller cannot tell padding from key or watermark errors. */
const DECRYPT_FAILED =
  'The data could not be decrypted with your current session_key (usually a later wx.login rotated it): ' +
  'log in again and retry';
const NOT_BASE64 =
  "encryptedData and iv must be unaltered base64 (a '+' turned into a space by URL-encoding breaks them): " +
  'send them as WeChat gave them, or log in again and retry';

/** `reason` is for operators (it travels as the cause), never for the client. */
const decryptFailed = (reason: string, message = DECRYPT_FAILED): AppError =>
  new AppError('decrypt_failed', message, { cause: new Error(reason) });

const strictBase64 = (value: string, what: string): Buffer => {
  if (value === '' || !BASE64.test(value)) throw decryptFailed(`${what} is not base64`, NOT_BASE64);
  return Buffer.from(value, 'base64');
};

/** PKCS#7, checked byte by byte: the pad length is 1..16 and every pad byte carries it. */
const unpad = (padded: Buffer): Buffer => {
  const pad = padded.at(-1) ?? 0;
  if (pad < 1 || pad > AES_BLOCK_BYTES || pad > padded.length) throw decryptFailed('bad PKCS#7 padding');
  for (let i = padded.length - pad; i < padded.length; i++) {
    if (padded[i] !== pad) throw decryptFailed('bad PKCS#7 padding');
  }
  return padded.subarray(0, padded.length - pad);
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decrypts wx `encryptedData` (AES-128-CBC, key = base64-decoded session_key, PKCS#7) and checks that the
 * plaintext's `watermark.appid` is our AppID. Every failure is an AppError `decrypt_failed` telling the client to
 * log in again.
 *
 * @example
 * const data = decryptUserData({ sessionKey, encryptedData, iv, appId }); // { ..., watermark: { appid, timestamp } }
 */
const decryptUserData = (input: {
  sessionKey: string;
  encryptedData: string;
  iv: string;
  appId: string;
}): Record<string, unknown> => {
  const key = strictBase64(input.sessionKey, 'session_key');
  if (key.length !== SESSION_KEY_BYTES) throw decryptFailed('session_key is not 16 bytes');
  const iv = strictBase64(input.iv, 'iv');
  if (iv.length !== AES_BLOCK_BYTES) throw decryptFailed('iv is not 16 bytes');
  const ciphertext = strictBase64(input.encryptedData, 'encryptedData');
  if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK_BYTES !== 0) {
    throw decryptFailed('ciphertext length is not a multiple of 16');
  }

  const decipher = createDecipheriv('aes-128-cbc', key, iv);
  // Padding is checked by unpad() below, explicitly, rather than by OpenSSL's final block handling.
  decipher.setAutoPadding(false);
  const plaintext = unpad(Buffer.concat([decipher.update(ciphertext), decipher.final()]));

  let data: unknown;
  try {
    data = JSON.parse(utf8.decode(plaintext));
  } catch {
    throw decryptFailed('plaintext is not UTF-8 JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw decryptFailed('plaintext is not a JSON object');
  }
  const watermark = (data as { watermark?: { appid?: unknown } }).watermark;
  if (typeof watermark !== 'object' || watermark === null || watermark.appid !== input.appId) {
    throw decryptFailed('watermark.appid is not our AppID');
  }
  return data as Record<string, unknown>;
};

/** Compares two hex digests in constant time; anything that is not a digest of the same length is unequal. */
const sameHexDigest = (given: string, expected: string): boolean => {
  if (given.length !== expected.length || !/^[0-9a-f]+$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(given.toLowerCase(), 'latin1'), Buffer.from(expected, 'latin1'));
};

/** wx.getUserInfo's signature: hex(sha1(rawData + session_key)), the session_key as its base64 text. */
const rawDataSignature = (rawData: string, sessionKey: string): string =>
  createHash('sha1')
    .update(rawData + sessionKey, 'utf8')
    .digest('hex');

const verifyRawDataSignature = (input: { rawData: string; signature: string; sessionKey: string }): boolean =>
  sameHexDigest(input.signature, rawDataSignature(input.rawData, input.sessionKey));

/**
 * The user login-state signature: hex(HMAC-SHA256(key = the session_key's base64 TEXT, message = payload)).
 * checkSessionKey signs the empty string.
 */
const loginStateSignature = (sessionKey: string, payload = ''): string =>
  createHmac('sha256', Buffer.from(sessionKey, 'utf8')).update(payload, 'utf8').digest('hex');

export { decryptUserData, loginStateSignature, rawDataSignature, verifyRawDataSignature };
