import { type Clock, systemClock } from '../runtime/clock.js';
import type { CallerIdentity } from './identity.js';

/**
 * The session_key of a user's latest login, as the user item (`user#<openid>`, the user record of
 * ../users/user-record.ts) holds it: only user items carry a session_key, never a session. `expiresAt` (epoch seconds)
 * is when it counts as gone; `appId` is absent on records from before several apps.
 */
interface LatestSessionKey {
  openid: string;
  appId?: string;
  sessionKey: string;
  expiresAt: number;
}

/** Reads the user record every login writes (see SessionPersistence.commitLogin). */
interface LatestSessionKeyReader {
  getLatestSessionKey(openid: string): Promise<LatestSessionKey | undefined>;
}

/**
 * Which session_key serves a caller. WeChat keeps one valid session_key per user and a later wx.login may rotate
 * it, so the answer is the key of the user's latest login in the caller's app, whichever of the user's sessions asks.
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
    if (!latest || latest.expiresAt * 1000 <= this.clock()) return undefined;
    // Openids are per app, so a record found by the caller's openid is the caller's app's; a record that says
    // otherwise is refused all the same. (Records from before several apps name no app: only one app existed.)
    if (latest.appId !== undefined && latest.appId !== caller.appId) return undefined;
    return latest.sessionKey;
  }
}

export type { LatestSessionKey, LatestSessionKeyReader };
export { SessionKeys };
