import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The keys of one login code's replay record, derived from the code itself (HKDF-SHA256 with a per-app salt), so
 * only someone holding the code can find the record or read it:
 * - `lookupId`: the record's key in the table (the code never is);
 * - `key`: AES-256-GCM key of the reply it holds (the session id never lies in the table readable without the code).
 * The two are separate HKDF outputs (different `info`), so the stored id says nothing about the key.
 */
interface ReplayKeys {
  lookupId: string;
  key: Buffer;
}

const SEALED_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const derive = (code: string, salt: string, info: string): Buffer =>
  Buffer.from(hkdfSync('sha256', Buffer.from(code, 'utf8'), Buffer.from(salt, 'utf8'), info, 32));

/** The salt is per app (its AppID), so one code of one app never meets another app's record. */
const replayKeysOf = (code: string, appId: string): ReplayKeys => {
  const salt = `wechat-login/login-replay/${appId}`;
  return {
    lookupId: derive(code, salt, 'lookup').toString('base64url'),
    key: derive(code, salt, 'seal'),
  };
};

/** `reply` as JSON, encrypted and authenticated under `key`: `v1.<iv>.<ciphertext>.<tag>`, base64url parts. */
const sealReply = (reply: unknown, key: Buffer): string => {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(reply), 'utf8'), cipher.final()]);
  const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
  return [SEALED_VERSION, ...parts].join('.');
};

/** The reply sealed under `key`; throws when the key is wrong or the text was altered. */
const openReply = (sealed: string, key: Buffer): unknown => {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== SEALED_VERSION || iv === undefined || ciphertext === undefined || tag === undefined) {
    throw new Error('Not a sealed login reply');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  return JSON.parse(plaintext.toString('utf8'));
};

export type { ReplayKeys };
export { openReply, replayKeysOf, sealReply };
