import { AppError } from '../http/errors.js';
import { type Clock, systemClock } from '../runtime/clock.js';
import { belongsToApp, planLogin, type UserRecord, type UserSessionEntry } from '../users/user-record.js';
import { type CallerIdentity, type LoginIdentity, unionidField } from './identity.js';
import {
  hashSessionId,
  isWellFormedHandle,
  isWellFormedSessionId,
  newSessionId,
  sessionHandleOf,
} from './session-id.js';
import type { SessionPolicy } from './session-policy.js';

/**
 * What a stored session holds. `key` is the SHA-256 of the session id; the id itself is never stored, and neither is
 * WeChat's session_key (only the user record holds that). `appId` is absent on sessions from before several apps.
 */
interface SessionRecord {
  key: string;
  openid: string;
  unionid?: string;
  appId?: string;
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
  /** True exactly on the first successful login of this openid in this app. */
  isNewUser: boolean;
}

/** One of the caller's live sessions, as `GET /sessions` lists it: a handle, never the id. */
interface SessionSummary {
  handle: string;
  createdAt: Date;
  expiresAt: Date;
  current: boolean;
}

/** What one login writes at once: the session, the sessions it evicts, and the user record it read, updated. */
interface LoginWrite {
  session: SessionRecord;
  user: UserRecord;
  evictedKeys: string[];
  /** The record as read: the write only happens if it is still so (undefined: there was none). */
  expected: UserRecord | undefined;
}

/**
 * Storage behind the session rules. Implementations only speak their database; the rules live in SessionStore.
 * Writes that depend on the user record are conditional on the record being as read, and report `false` when it
 * changed in between (the store then reads again and retries).
 */
interface SessionPersistence {
  /**
   * The user record of `openid`, strongly consistent: all of it for login, only the session list (never the
   * session_key) for listing and ending sessions.
   */
  getUser(openid: string, view?: UserView): Promise<UserRecord | undefined>;
  /** The login's writes, all or none. False when the user record changed since it was read. */
  commitLogin(write: LoginWrite): Promise<boolean>;
  /** Strongly consistent read, so a session is visible right after login. */
  get(key: string): Promise<SessionRecord | undefined>;
  /** The sessions of `keys` that exist, strongly consistent. */
  getMany(keys: readonly string[]): Promise<SessionRecord[]>;
  /**
   * Moves `expiresAt` forward to `expiresAt` if the record still exists, has not expired at `now` and would move
   * forward. Never creates a record. False when the condition failed (gone, expired or renewed meanwhile).
   */
  extend(key: string, expiresAt: number, now: number): Promise<boolean>;
  /** Deletes one session and its entry in the user's record. Idempotent. */
  endSession(openid: string, entry: Pick<UserSessionEntry, 'key' | 'handle'>): Promise<void>;
  /** Deletes the sessions of `keys` and empties the record's list, all or none. False when the record changed. */
  endSessions(openid: string, keys: readonly string[], expected: UserRecord | undefined): Promise<boolean>;
}

/** How much of the user record a reader needs. */
type UserView = 'login' | 'sessions';

interface SessionStoreOptions {
  clock?: Clock;
  /** The most live sessions one user may hold per app; a login beyond it ends the oldest. */
  maxSessionsPerUser?: number;
  /** The app of sessions written before several apps: the deployment's original (first configured) AppID. */
  originalAppId?: string;
}

/** Attempts of a write that lost a race on the user record (read again, write again). */
const MAX_ATTEMPTS = 10;

/** A short random pause before another attempt, growing with the attempts, so racing logins spread out. */
const backOff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));

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
 * Creates, checks, lists and revokes login sessions, and keeps each user's record (new user, session_key, sessions).
 *
 * @example
 * const sessions = new SessionStore(new DynamoDbSessionPersistence(client, tableName), new SessionPolicy(ttl, maxAge));
 * const { sessionId, isNewUser } = await sessions.create({ appId, openid, sessionKey });
 * const caller = await sessions.authorize(sessionId); // undefined when denied
 */
class SessionStore {
  private readonly clock: Clock;
  private readonly maxSessions: number;
  private readonly originalAppId: string | undefined;

  constructor(
    private readonly persistence: SessionPersistence,
    private readonly policy: SessionPolicy,
    options: SessionStoreOptions | Clock = {}
  ) {
    const settings = typeof options === 'function' ? { clock: options } : options;
    this.clock = settings.clock ?? systemClock;
    this.maxSessions = settings.maxSessionsPerUser ?? Number.POSITIVE_INFINITY;
    this.originalAppId = settings.originalAppId;
  }

  /**
   * One read (the user record) and one atomic write (the session, the record, evicted sessions). A concurrent change
   * of the record (another login, a logout) fails the write's condition; the login then reads and writes again.
   */
  async create(identity: LoginIdentity): Promise<IssuedSession> {
    const sessionId = newSessionId();
    const key = hashSessionId(sessionId);
    for (let attempt = 1; ; attempt += 1) {
      const nowMs = this.clock();
      // Rounded down: a session never lives past its TTL (expiry is compared with the exact clock).
      const now = Math.floor(nowMs / 1000);
      const session: SessionRecord = {
        key,
        openid: identity.openid,
        ...unionidField(identity.unionid),
        appId: identity.appId,
        createdAt: now,
        expiresAt: this.policy.expiryAt(now, now),
      };
      const existing = await this.persistence.getUser(identity.openid);
      const plan = planLogin(existing, {
        ...identity,
        session: { handle: sessionHandleOf(key), key, createdAtMs: nowMs },
        nowMs,
        maxSessions: this.maxSessions,
        maxAgeSeconds: this.policy.maxAgeSeconds,
      });
      const evictedKeys = plan.evicted.map((entry) => entry.key);
      if (await this.persistence.commitLogin({ session, user: plan.user, evictedKeys, expected: existing })) {
        return { sessionId, expiresAt: new Date(session.expiresAt * 1000), isNewUser: plan.isNewUser };
      }
      if (attempt >= MAX_ATTEMPTS) throw new Error('The user record kept changing during login');
      await backOff(attempt);
    }
  }

  /**
   * The caller behind `sessionId`, or undefined when the id is malformed, unknown, revoked or expired.
   * Storage failures are thrown, never turned into a deny or an allow.
   */
  async authorize(sessionId: unknown, observe: DecisionObserver = ignore): Promise<AuthorizedCaller | undefined> {
    const record = await this.find(sessionId, observe);
    if (!record) return undefined;
    const now = this.nowSeconds();
    if (!this.policy.needsRenewal(record, now)) {
      return observed(observe, 'live', { ...this.toCaller(record), expiresAt: record.expiresAt });
    }
    // A renewal that loses a race (a concurrent request renewed first, or a logout deleted the item after our read)
    // changes nothing; the strongly consistent read a moment ago found the session live, so this request is served.
    const renewedTo = this.policy.expiryAt(record.createdAt, Math.floor(now));
    const renewed = await this.persistence.extend(record.key, renewedTo, now);
    return observed(observe, renewed ? 'renewed' : 'live', {
      ...this.toCaller(record),
      expiresAt: renewed ? renewedTo : record.expiresAt,
    });
  }

  /** The live record behind `sessionId`, for server-side use only. */
  async find(sessionId: unknown, observe: DecisionObserver = ignore): Promise<SessionRecord | undefined> {
    if (!isWellFormedSessionId(sessionId)) return observed(observe, 'malformed', undefined);
    const record = await this.persistence.get(hashSessionId(sessionId));
    if (!record) return observed(observe, 'unknown', undefined);
    if (this.policy.isExpired(record, this.nowSeconds())) return observed(observe, 'expired', undefined);
    return record;
  }

  /** The caller's live sessions in the caller's app, newest first; `current` marks the calling one. */
  async list(caller: CallerIdentity, sessionId: unknown): Promise<SessionSummary[]> {
    const user = await this.userOf(caller);
    const entries = user?.sessions ?? [];
    const records = await this.persistence.getMany(entries.map((entry) => entry.key));
    const now = this.nowSeconds();
    const live = new Map(records.filter((r) => !this.policy.isExpired(r, now)).map((r) => [r.key, r]));
    const current = isWellFormedSessionId(sessionId) ? sessionHandleOf(hashSessionId(sessionId)) : undefined;
    return entries
      .filter((entry) => live.has(entry.key))
      .sort((a, b) => b.createdAtMs - a.createdAtMs)
      .map((entry) => ({
        handle: entry.handle,
        createdAt: new Date(entry.createdAtMs),
        expiresAt: new Date((live.get(entry.key)?.expiresAt ?? 0) * 1000),
        current: entry.handle === current,
      }));
  }

  /** Ends the caller's session with this handle; AppError `not_found` when it is not one of the caller's live ones. */
  async end(caller: CallerIdentity, handle: unknown): Promise<void> {
    const entry = isWellFormedHandle(handle)
      ? (await this.userOf(caller))?.sessions.find((candidate) => candidate.handle === handle)
      : undefined;
    const record = entry ? await this.persistence.get(entry.key) : undefined;
    if (entry) await this.persistence.endSession(caller.openid, entry);
    if (!record || this.policy.isExpired(record, this.nowSeconds())) {
      throw new AppError('not_found', 'No live session of yours has this id');
    }
  }

  /** Ends the calling session; the user's other sessions are untouched. Idempotent. */
  async revoke(caller: Pick<CallerIdentity, 'openid'>, sessionId: unknown): Promise<void> {
    if (!isWellFormedSessionId(sessionId)) return;
    const key = hashSessionId(sessionId);
    await this.persistence.endSession(caller.openid, { key, handle: sessionHandleOf(key) });
  }

  /** Ends every session of the caller in the caller's app, the calling one included. */
  async revokeAll(caller: CallerIdentity, sessionId: unknown): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const user = await this.persistence.getUser(caller.openid, 'sessions');
      const mine = user && belongsToApp(user, caller.appId, this.originalAppId) ? user : undefined;
      const keys = new Set((mine?.sessions ?? []).map((entry) => entry.key));
      if (isWellFormedSessionId(sessionId)) keys.add(hashSessionId(sessionId));
      if (await this.persistence.endSessions(caller.openid, [...keys], mine)) return;
      if (attempt >= MAX_ATTEMPTS) throw new Error('The user record kept changing during sign-out');
      await backOff(attempt);
    }
  }

  private async userOf(caller: CallerIdentity): Promise<UserRecord | undefined> {
    const user = await this.persistence.getUser(caller.openid, 'sessions');
    return user && belongsToApp(user, caller.appId, this.originalAppId) ? user : undefined;
  }

  private toCaller(record: SessionRecord): CallerIdentity {
    return { openid: record.openid, ...unionidField(record.unionid), appId: record.appId ?? this.originalAppId ?? '' };
  }

  /** Exact seconds (fractions kept), so expiry is compared with the real clock, never rounded in the session's favour. */
  private nowSeconds(): number {
    return this.clock() / 1000;
  }
}

export type {
  AuthorizedCaller,
  DecisionObserver,
  DecisionReason,
  IssuedSession,
  LoginWrite,
  SessionPersistence,
  SessionRecord,
  SessionStoreOptions,
  SessionSummary,
  UserView,
};
export { SessionStore };
