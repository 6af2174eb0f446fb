import { logger } from '../runtime/logger.js';
import type { CallerIdentity } from '../sessions/identity.js';
import type { SessionKeys } from '../sessions/latest-session-key.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { AccessTokenCache } from '../wechat/access-token-cache.js';
import type { WeChatClient } from '../wechat/client.js';

/**
 * Asks WeChat (checkSessionKey) whether the user's newest session_key is still valid. When it is not, the calling
 * session is deleted: its next request is denied (403) and the client logs in again, which gets a new session_key.
 *
 * @example
 * const status = new SessionKeyStatus(sessionKeys, sessions, accessTokens, wechat);
 * const valid = await status.check(caller, sessionId);
 */
class SessionKeyStatus {
  constructor(
    private readonly keys: Pick<SessionKeys, 'current'>,
    private readonly sessions: Pick<SessionStore, 'revoke'>,
    private readonly tokens: Pick<AccessTokenCache, 'withToken'>,
    private readonly wechat: Pick<WeChatClient, 'checkSessionKey'>
  ) {}

  async check(caller: CallerIdentity, sessionId: string | undefined): Promise<boolean> {
    const sessionKey = await this.keys.current(caller);
    const valid =
      sessionKey !== undefined &&
      (await this.tokens.withToken((accessToken) =>
        this.wechat.checkSessionKey({ accessToken, openid: caller.openid, sessionKey })
      ));
    if (!valid) {
      await this.sessions.revoke(sessionId);
      logger.info('session_key no longer valid: the calling session was ended');
    }
    return valid;
  }
}

export { SessionKeyStatus };
