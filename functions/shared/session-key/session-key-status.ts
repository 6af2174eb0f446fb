import { createHash } from 'node:crypto';
import type { RecentAnswers } from '../limits/recent-answers.js';
import { logger } from '../runtime/logger.js';
import type { CallerIdentity } from '../sessions/identity.js';
import type { SessionKeys } from '../sessions/latest-session-key.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { AppServices } from './phone-numbers.js';

/**
 * Names a session_key without revealing it (SHA-256, base64url): which key an answer was about, so a re-login (a new
 * key) is checked at once instead of getting the old key's answer.
 */
const sessionKeyFingerprint = (sessionKey: string): string =>
  createHash('sha256').update(sessionKey, 'utf8').digest('base64url');

/**
 * Asks WeChat (checkSessionKey) whether the user's newest session_key is still valid, at most once per user per
 * window (60 s): calls within it get the last answer about the same key. When the key is not valid, the calling
 * session is deleted: its next request is denied (403) and the client logs in again, which gets a new session_key.
 *
 * @example
 * const status = new SessionKeyStatus(sessionKeys, sessions, (appId) => ({ tokens, wechat }), recentChecks);
 * const valid = await status.check(caller, sessionId);
 */
class SessionKeyStatus {
  constructor(
    private readonly keys: Pick<SessionKeys, 'current'>,
    private readonly sessions: Pick<SessionStore, 'revoke'>,
    private readonly apps: AppServices<'checkSessionKey'>,
    private readonly recent: Pick<RecentAnswers, 'answer'>
  ) {}

  /** Asks with the caller's app's access_token (the session_key belongs to that app). */
  async check(caller: CallerIdentity, sessionId: string | undefined): Promise<boolean> {
    const sessionKey = await this.keys.current(caller);
    const { tokens, wechat } = this.apps(caller.appId);
    const valid =
      sessionKey !== undefined &&
      (await this.recent.answer(caller.openid, sessionKeyFingerprint(sessionKey), () =>
        tokens.withToken((accessToken) => wechat.checkSessionKey({ accessToken, openid: caller.openid, sessionKey }))
      ));
    if (!valid) {
      await this.sessions.revoke(caller, sessionId);
      logger.info('session_key no longer valid: the calling session was ended');
    }
    return valid;
  }
}

export { SessionKeyStatus, sessionKeyFingerprint };
