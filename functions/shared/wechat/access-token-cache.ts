import { randomUUID } from 'node:crypto';
import { defaults } from '../contract/defaults.js';
import { type Clock, systemClock } from '../runtime/clock.js';
import { logger } from '../runtime/logger.js';
import { metrics } from '../runtime/metrics.js';
import type { AccessTokenGrant } from './client.js';
import { isAccessTokenRejected } from './errcodes.js';
import { WeChatError } from './wechat-error.js';

/** A cached access_token. `expiresAt` is epoch milliseconds. */
interface CachedAccessToken {
  value: string;
  expiresAt: number;
}

/** The refresh lock: who holds it and until when (epoch milliseconds). */
interface RefreshLock {
  owner: string;
  expiresAt: number;
}

interface AccessTokenState {
  token?: CachedAccessToken;
  lock?: RefreshLock;
  /** After a failed refresh, no caller refreshes again before this (epoch milliseconds). */
  refreshBlockedUntil?: number;
}

/**
 * Storage behind the access_token rules, one shared entry for every Lambda. Implementations only speak their
 * database; every write is conditional, so concurrent callers cannot undo each other.
 */
interface AccessTokenPersistence {
  /** Strongly consistent read of the entry (both parts absent when there is none). */
  read(): Promise<AccessTokenState>;
  /** Takes the refresh lock until `until` unless someone holds one that is still live at `now`. */
  lock(owner: string, now: number, until: number): Promise<boolean>;
  /**
   * Stores `token` and releases the lock, only while `owner` still holds the lock and the stored token does not
   * expire later than `token` (a stale token never replaces a newer one). False when refused.
   */
  save(token: CachedAccessToken, owner: string): Promise<boolean>;
  /** Releases the lock if `owner` still holds it. */
  unlock(owner: string): Promise<void>;
  /** Releases the lock if `owner` still holds it and blocks refreshes until `blockedUntil`, in the same write. */
  failRefresh(owner: string, blockedUntil: number): Promise<void>;
  /** Drops `token` only if the entry still holds exactly it. False when it no longer did. */
  expire(token: CachedAccessToken): Promise<boolean>;
}

interface AccessTokenCacheOptions {
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  refreshMarginMs?: number;
  leaseMs?: number;
  maxWaitMs?: number;
  pollMs?: number;
  /** While another caller refreshes, a cached token is still handed out if it has at least this long left. */
  minRemainingMs?: number;
  /** After a failed refresh, how long no caller (in any Lambda) tries again. */
  refreshBackoffMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The app's access_token, shared by all Lambdas through the table: refreshed a few minutes before it expires by one
 * caller at a time (a conditional write is the lock), the others using the cached token or waiting briefly.
 * The token itself is never logged.
 *
 * @example
 * const persistence = new DynamoDbAccessTokenPersistence(client, tableName);
 * const tokens = new AccessTokenCache(persistence, () => wechat.fetchStableToken());
 * const valid = await tokens.withToken((accessToken) => wechat.checkSessionKey({ accessToken, openid, sessionKey }));
 */
class AccessTokenCache {
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly refreshMarginMs: number;
  private readonly leaseMs: number;
  private readonly maxWaitMs: number;
  private readonly pollMs: number;
  private readonly minRemainingMs: number;
  private readonly refreshBackoffMs: number;
  /** The token this warm Lambda last got, reused without a read until it is due for renewal. */
  private memo: CachedAccessToken | undefined;

  constructor(
    private readonly persistence: AccessTokenPersistence,
    private readonly fetchToken: () => Promise<AccessTokenGrant>,
    options: AccessTokenCacheOptions = {}
  ) {
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? defaultSleep;
    this.refreshMarginMs = options.refreshMarginMs ?? defaults.accessTokenRefreshMarginSeconds * 1000;
    this.leaseMs = options.leaseMs ?? defaults.accessTokenLockLeaseMs;
    this.maxWaitMs = options.maxWaitMs ?? defaults.accessTokenMaxWaitMs;
    this.pollMs = options.pollMs ?? defaults.accessTokenPollMs;
    this.minRemainingMs = options.minRemainingMs ?? defaults.accessTokenMinRemainingMs;
    this.refreshBackoffMs = options.refreshBackoffMs ?? defaults.accessTokenRefreshBackoffMs;
  }

  /**
   * Runs `call` with the cached token. If WeChat rejects the token (40001 / 42001 / 40014), drops it from the cache
   * (only if the cache still holds that very token), gets a fresh one and retries exactly once.
   */
  async withToken<T>(call: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await this.get();
    try {
      return await call(token.value);
    } catch (error) {
      if (!isAccessTokenRejected(error)) throw error;
      logger.warn('WeChat rejected the cached access token; refreshing it once', {
        errcode: (error as WeChatError).errcode,
      });
    }
    if (this.memo?.value === token.value) this.memo = undefined;
    await this.persistence.expire(token);
    const fresh = await this.get();
    return call(fresh.value);
  }

  /**
   * A token with more than the refresh margin left, refreshing it (one caller at a time) when needed. A warm Lambda
   * keeps the token it got in memory until it is due for renewal, so the shared entry is read about once per token
   * per Lambda, not once per call.
   */
  async get(): Promise<CachedAccessToken> {
    if (this.memo && this.isFresh(this.memo, this.clock())) return this.memo;
    const token = await this.fetchShared();
    if (this.isFresh(token, this.clock())) this.memo = token;
    return token;
  }

  private async fetchShared(): Promise<CachedAccessToken> {
    const deadline = this.clock() + this.maxWaitMs;
    for (;;) {
      const { token, lock, refreshBlockedUntil } = await this.persistence.read();
      const now = this.clock();
      if (token && this.isFresh(token, now)) return token;
      const blocked = refreshBlockedUntil !== undefined && now < refreshBlockedUntil;
      if (!blocked && (!lock || lock.expiresAt <= now)) {
        const owner = randomUUID();
        if (await this.persistence.lock(owner, now, now + this.leaseMs)) return this.refreshLocked(owner);
      }
      // Someone else is refreshing, or a refresh just failed: the cached token serves while it has some life left.
      if (token && now < token.expiresAt - this.minRemainingMs) return token;
      if (blocked) throw refreshFailedRecently(refreshBlockedUntil - now);
      if (now >= deadline) {
        throw new WeChatError('wechat_busy', 'The WeChat access token is being renewed; try again shortly');
      }
      await this.sleep(this.pollMs);
    }
  }

  /** With the lock held: the token another caller saved meanwhile, or a new one from WeChat. */
  private async refreshLocked(owner: string): Promise<CachedAccessToken> {
    // A refresher saves and frees the lock in one write, so a lock taken after our read may follow a save we did not
    // see: look again before fetching (one more read per refresh, not per call).
    const { token: saved } = await this.persistence.read();
    if (saved && this.isFresh(saved, this.clock())) {
      await this.persistence.unlock(owner);
      return saved;
    }
    return this.refresh(owner);
  }

  /** Whether `token` has more than the refresh margin left at `now`, so no refresh is due. */
  private isFresh(token: CachedAccessToken, now: number): boolean {
    return now < token.expiresAt - this.refreshMarginMs;
  }

  private async refresh(owner: string): Promise<CachedAccessToken> {
    const startedAt = this.clock();
    let grant: AccessTokenGrant;
    try {
      grant = await this.fetchToken();
      metrics.accessTokenRefresh(true);
    } catch (error) {
      metrics.accessTokenRefresh(false);
      // Every Lambda sees the back-off in the shared entry: during a WeChat outage one refresh per back-off, not one
      // per request.
      await this.persistence.failRefresh(owner, this.clock() + this.refreshBackoffMs).catch(() => undefined);
      throw error;
    }
    // Counted from before the request, so the cached expiry is never later than WeChat's.
    const token = { value: grant.accessToken, expiresAt: startedAt + grant.expiresInSeconds * 1000 };
    try {
      // Refused when a newer token got there first (our lease ran out): ours is still valid for this call.
      await this.persistence.save(token, owner);
    } catch (error) {
      logger.warn('could not cache the new access token', { error: error as Error });
    }
    return token;
  }
}

const refreshFailedRecently = (waitMs: number): WeChatError =>
  new WeChatError(
    'wechat_busy',
    `WeChat could not renew the access token a moment ago; try again in ${Math.max(1, Math.ceil(waitMs / 1000))} s`
  );

export type { AccessTokenCacheOptions, AccessTokenPersistence, AccessTokenState, CachedAccessToken, RefreshLock };
export { AccessTokenCache };
