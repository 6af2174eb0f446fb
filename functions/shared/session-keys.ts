import type { CallerIdentity, Clock, SessionStore } from './session-store.js';
import { systemClock } from './session-store.js';

/** The session_key of a user's latest login. Times are epoch seconds; `expiresAt` is the TTL attribute. */
interface LatestSessionKey {
  openid: string;
  sessionKey: string;
  updatedAt: number;
  expiresAt: number;
}

/** Reads the per-user record every login writes (see SessionPersistence.put). */
interface LatestSessionKeyReader {
  getLatestSessionKey(openid: string): Promise<LatestSessionKey | undefined>;
}

/**
 * Which session_key serves a caller. WeChat keeps one valid session_key per user and a later wx.login may rotate
 * it, so the answer is the key of the user's latest login, whichever of the user's sessions asks.
 *
 * @example
 * const keys = new SessionKeys(persistence, sessionStore);
 * const sessionKey = await keys.current(callerOf(event), sessionIdOf(event)); // undefined: log in again
 */
class SessionKeys {
  constructor(
    private readonly latest: LatestSessionKeyReader,
    private readonly sessions: Pick<SessionStore, 'find' | 'revoke'>,
    private readonly clock: Clock = systemClock
  ) {}

  /** The newest session_key for the caller, or undefined when none is known any more. */
  async current(caller: CallerIdentity, sessionId: string | undefined): Promise<string | undefined> {
    const latest = await this.latest.getLatestSessionKey(caller.openid);
    // Expired by our own clock, whether or not TTL has removed it yet (see table.ts).
    if (latest && latest.expiresAt > Math.floor(this.clock() / 1000)) return latest.sessionKey;
    // Sessions written before per-user records existed carry their own key.
    const own = await this.sessions.find(sessionId);
    return own && own.openid === caller.openid ? own.sessionKey : undefined;
  }

  /** Ends the calling session, so its next request is denied and the client logs in again. */
  async revoke(sessionId: string | undefined): Promise<void> {
    await this.sessions.revoke(sessionId);
  }
}

export { SessionKeys };
export type { LatestSessionKey, LatestSessionKeyReader };
