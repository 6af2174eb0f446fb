import type { CallerIdentity } from '../sessions/identity.js';
import type { SessionKeys } from '../sessions/latest-session-key.js';
import { verifyRawDataSignature } from '../wechat/crypto.js';

/**
 * Checks wx.getUserInfo `rawData` signatures with the user's newest session_key. The signature covers only rawData
 * and the key, so unlike decryption this needs no AppID.
 *
 * @example
 * const signatures = new RawDataSignatures(sessionKeys);
 * const valid = await signatures.verify(caller, { rawData, signature });
 */
class RawDataSignatures {
  constructor(private readonly keys: Pick<SessionKeys, 'current'>) {}

  /** Whether `signature` is sha1(rawData + session_key) for the user's newest session_key. */
  async verify(caller: CallerIdentity, input: { rawData: string; signature: string }): Promise<boolean> {
    const sessionKey = await this.keys.current(caller);
    if (!sessionKey) return false;
    return verifyRawDataSignature({ ...input, sessionKey });
  }
}

export { RawDataSignatures };
