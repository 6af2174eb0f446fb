import { AppError } from '../http/errors.js';
import { logger } from '../runtime/logger.js';
import type { CallerIdentity } from '../sessions/identity.js';
import type { SessionKeys } from '../sessions/latest-session-key.js';
import { decryptUserData } from '../wechat/crypto.js';

/**
 * The caller's WeChat open data, decrypted with the user's newest session_key in the caller's app and checked
 * against the caller's AppID (`rawData` signatures are RawDataSignatures'): data of another of our mini programs
 * never decrypts for this session. The session_key never leaves this module's callers' process.
 *
 * @example
 * const userData = new UserData(sessionKeys);
 * const data = await userData.decrypt(caller, { encryptedData, iv });
 */
class UserData {
  constructor(private readonly keys: Pick<SessionKeys, 'current'>) {}

  /** The decrypted JSON; AppError `decrypt_failed` (telling the client to log in again) on any failure. */
  async decrypt(
    caller: CallerIdentity,
    input: { encryptedData: string; iv: string }
  ): Promise<Record<string, unknown>> {
    const sessionKey = await this.keys.current(caller);
    if (!sessionKey) {
      throw new AppError('decrypt_failed', 'No session_key is known for you any more: log in again and retry');
    }
    try {
      return decryptUserData({ ...input, sessionKey, appId: caller.appId });
    } catch (error) {
      // Why it failed, for operators; the client gets one message for every cause.
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : 'unknown';
      logger.info('decryption failed', { reason });
      throw error;
    }
  }
}

export { UserData };
