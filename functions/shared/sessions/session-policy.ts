/**
 * The session lifetime rules, with no storage in sight:
 * - idle timeout `ttlSeconds`, sliding: each use may push expiry to now + ttl;
 * - never past `maxAgeSeconds` after login;
 * - a renewal is written at most once per half idle window, so a busy session costs a write only now and then.
 * Times are epoch seconds.
 */
interface SessionLifetime {
  createdAt: number;
  expiresAt: number;
}

/**
 * The lifetime rules above as pure functions of epoch seconds, so they are tested without a table or a clock.
 *
 * @example
 * const policy = new SessionPolicy(7 * 86_400, 30 * 86_400);
 * if (policy.needsRenewal(record, now)) await persistence.extend(record.key, policy.expiryAt(record.createdAt, now), now);
 */
class SessionPolicy {
  constructor(
    readonly ttlSeconds: number,
    readonly maxAgeSeconds: number
  ) {}

  /** The expiry a session would get if it were used at `now`. */
  expiryAt(createdAt: number, now: number): number {
    return Math.min(now + this.ttlSeconds, createdAt + this.maxAgeSeconds);
  }

  /** Expired means unusable, whether or not DynamoDB's TTL has deleted the item yet. */
  isExpired(session: SessionLifetime, now: number): boolean {
    return session.expiresAt <= now;
  }

  /**
   * True once half the idle window has passed since the last renewal, and only if renewing moves the expiry
   * (a session at its max age has nothing left to gain).
   */
  needsRenewal(session: SessionLifetime, now: number): boolean {
    const remaining = session.expiresAt - now;
    return remaining <= this.ttlSeconds / 2 && this.expiryAt(session.createdAt, now) > session.expiresAt;
  }
}

export type { SessionLifetime };
export { SessionPolicy };
