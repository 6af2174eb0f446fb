import { type Clock, systemClock } from '../runtime/clock.js';
import type { CallerIdentity } from './identity.js';

/**
 * The user item (`user#<openid>`): the session_key of a user's latest login. This module owns it: what a login
 * writes (latestSessionKeyAt, called by SessionStore.create) and how it is read (SessionKeys). Times are epoch
 * seconds; `expiresAt` is the TTL attribute.
 */
interface LatestSessionKey {
  openid: string;
  sessionKey: string;
  updatedAt: number;
  expiresAt: number;
}

/** Reads the user item every login writes (see SessionPersistence.put). */
interface LatestSessionKeyReader {
  getLatestSessionKey(openid: string): Promise<LatestSessionKey | undefined>;
}

/**
 * The user item a login at `now` writes beside its session. It outlives every session of the user: none can live
 * past its login + max age.
 */
const latestSessionKeyAt = (
  identity: { openid: string; sessionKey: string },
  now: number,
  maxAgeSeconds: number
): LatestSessionKey => ({
  openid: identity.openid,
  sessionKey: identity.sessionKey,
  updatedAt: now,
  expiresAt: now + maxAgeSeconds,
});

/**
 * Which session_key serves a caller. WeChat keeps one valid session_key per user and a later wx.login may rotate
 * it, so the answer is the key of the user's latest login, whichever of the user's sessions asks.
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

export type { LatestSessionKey, LatestSessionKeyReader };
export { latestSessionKeyAt, SessionKeys };
