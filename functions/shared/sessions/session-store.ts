import { type Clock, systemClock } from '../runtime/clock.js';
import { type CallerIdentity, unionidField, type WeChatIdentity } from './identity.js';
import { type LatestSessionKey, latestSessionKeyAt } from './latest-session-key.js';
import { hashSessionId, isWellFormedSessionId, newSessionId } from './session-id.js';
import type { SessionPolicy } from './session-policy.js';

/** What a stored session holds. `key` is the SHA-256 of the session id; the id itself is never stored. */
interface SessionRecord extends WeChatIdentity {
  key: string;
  createdAt: number;
  expiresAt: number;
}

/** An authorized caller and when the session now ends (epoch seconds, after this request's renewal if any). */
interface AuthorizedCaller extends CallerIdentity {
  expiresAt: number;
}

interface IssuedSession {
  sessionId: string;
  expiresAt: Date;
}

/**
 * Storage behind the session rules. Implementations only speak their database; the rules live in SessionStore.
 */
interface SessionPersistence {
  /**
   * Writes a new record (failing if the key already exists) and, in the same atomic write, `latest` as the user's
   * newest session_key.
   */
  put(record: SessionRecord, latest: LatestSessionKey): Promise<void>;
  /** Strongly consistent read, so a session is visible right after login. */
  get(key: string): Promise<SessionRecord | undefined>;
  /**
   * Moves `expiresAt` forward to `expiresAt` if the record still exists, has not expired at `now` and would move
   * forward. Never creates a record. Returns the record as it stands afterwards, or undefined if it is gone.
   */
  extend(key: string, expiresAt: number, now: number): Promise<SessionRecord | undefined>;
  delete(key: string): Promise<void>;
}

/**
 * Why a session id was let in (`live`, `renewed`) or not (`malformed`, `unknown`, `expired`): the authorizer counts
 * its decisions by it (runtime/metrics.ts), without this module knowing about metrics.
 */
type DecisionReason = 'live' | 'renewed' | 'malformed' | 'unknown' | 'expired';
type DecisionObserver = (reason: DecisionReason) => void;

const ignore: DecisionObserver = () => undefined;

/** Tells `observe` the reason, then answers `result`. */
const observed = <T>(observe: DecisionObserver, reason: DecisionReason, result: T): T => {
  observe(reason);
  return result;
};

/**
 * Creates, checks and revokes login sessions.
 *
 * @example
 * const sessions = new SessionStore(new DynamoDbSessionPersistence(client, tableName), new SessionPolicy(ttl, maxAge));
 * const { sessionId } = await sessions.create({ openid, sessionKey });
 * const caller = await sessions.authorize(sessionId); // undefined when denied
 */
class SessionStore {
  constructor(
    private readonly persistence: SessionPersistence,
    private readonly policy: SessionPolicy,
    private readonly clock: Clock = systemClock
  ) {}

  async create(identity: WeChatIdentity): Promise<IssuedSession> {
    const sessionId = newSessionId();
    // Rounded up: with whole-second expiries, rounding down would give a session up to a second less than its TTL.
    const now = Math.ceil(this.clock() / 1000);
    const record: SessionRecord = {
      key: hashSessionId(sessionId),
      openid: identity.openid,
      ...unionidField(identity.unionid),
      sessionKey: identity.sessionKey,
      createdAt: now,
      expiresAt: this.policy.expiryAt(now, now),
    };
    await this.persistence.put(record, latestSessionKeyAt(record, now, this.policy.maxAgeSeconds));
    return { sessionId, expiresAt: new Date(record.expiresAt * 1000) };
  }

  /**
   * The caller behind `sessionId`, or undefined when the id is malformed, unknown, revoked or expired.
   * Storage failures are thrown, never turned into a deny or an allow.
   */
  async authorize(sessionId: unknown, observe: DecisionObserver = ignore): Promise<AuthorizedCaller | undefined> {
    const record = await this.find(sessionId, observe);
    if (!record) return undefined;
    const now = this.nowSeconds();
    if (!this.policy.needsRenewal(record, now)) return observed(observe, 'live', toAuthorized(record));

    const renewed = await this.persistence.extend(record.key, this.policy.expiryAt(record.createdAt, now), now);
    // Gone or expired between the read and the renewal: a logout won the race.
    if (!renewed) return observed(observe, 'unknown', undefined);
    if (this.policy.isExpired(renewed, now)) return observed(observe, 'expired', undefined);
    return observed(observe, 'renewed', toAuthorized(renewed));
  }

  /** The live record behind `sessionId` (session_key included), for server-side use only. */
  async find(sessionId: unknown, observe: DecisionObserver = ignore): Promise<SessionRecord | undefined> {
    if (!isWellFormedSessionId(sessionId)) return observed(observe, 'malformed', undefined);
    const record = await this.persistence.get(hashSessionId(sessionId));
    if (!record) return observed(observe, 'unknown', undefined);
    if (this.policy.isExpired(record, this.nowSeconds())) return observed(observe, 'expired', undefined);
    return record;
  }

  /** Ends this one session; the user's other sessions are untouched. Idempotent. */
  async revoke(sessionId: unknown): Promise<void> {
    if (!isWellFormedSessionId(sessionId)) return;
    await this.persistence.delete(hashSessionId(sessionId));
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }
}

const toAuthorized = (record: SessionRecord): AuthorizedCaller => ({
  openid: record.openid,
  ...unionidField(record.unionid),
  expiresAt: record.expiresAt,
});

export type { AuthorizedCaller, DecisionObserver, DecisionReason, IssuedSession, SessionPersistence, SessionRecord };
export { SessionStore };
