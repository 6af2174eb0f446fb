import type { CallerIdentity, Clock } from '../sessions/session-store.js';
import { systemClock } from '../sessions/session-store.js';

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
 * it, so the answer is the key of the user's latest login, whichever of the user's sessions asks. Every login writes
 * that record together with its session, and the record outlives all of the user's sessions.
 *
 * @example
 * const keys = new SessionKeys(persistence);
 * const sessionKey = await keys.current(callerOf(event)); // undefined: log in again
 */
class SessionKeys {
  constructor(
    private readonly latest: LatestSessionKeyReader,
    private readonly clock: Clock = systemClock
  ) {}

  /** The newest session_key for the caller, or undefined when none is known any more. */
  async current(caller: CallerIdentity): Promise<string | undefined> {
    const latest = await this.latest.getLatestSessionKey(caller.openid);
    // Expired by our own clock, whether or not TTL has removed it yet (see table.ts).
    return latest && latest.expiresAt > Math.floor(this.clock() / 1000) ? latest.sessionKey : undefined;
  }
}

export { SessionKeys };
export type { LatestSessionKey, LatestSessionKeyReader };
