import type {
  AccessTokenPersistence,
  AccessTokenState,
  CachedAccessToken,
  RefreshLock,
} from '../../../functions/shared/wechat/access-token-cache.js';

/**
 * AccessTokenPersistence in memory, honouring the interface's conditions (lock only when free or lapsed; save only
 * by the lock holder and never over a later-expiring token; expire only the very token given), so the cache's rules
 * can be tested without a table. Each operation yields to the event loop first, as a network call would.
 */
class InMemoryAccessTokenPersistence implements AccessTokenPersistence {
  token: CachedAccessToken | undefined;
  lockState: RefreshLock | undefined;
  refreshBlockedUntil: number | undefined;

  /** How many times the entry was read: the hot key's load. */
  reads = 0;

  async read(): Promise<AccessTokenState> {
    this.reads += 1;
    await this.tick();
    return {
      ...(this.token ? { token: { ...this.token } } : {}),
      ...(this.lockState ? { lock: { ...this.lockState } } : {}),
      ...(this.refreshBlockedUntil !== undefined ? { refreshBlockedUntil: this.refreshBlockedUntil } : {}),
    };
  }

  async lock(owner: string, now: number, until: number): Promise<boolean> {
    await this.tick();
    if (this.lockState && this.lockState.expiresAt > now) return false;
    this.lockState = { owner, expiresAt: until };
    return true;
  }

  async save(token: CachedAccessToken, owner: string): Promise<boolean> {
    await this.tick();
    if (this.lockState?.owner !== owner) return false;
    if (this.token && this.token.expiresAt > token.expiresAt) return false;
    this.token = { ...token };
    this.lockState = undefined;
    this.refreshBlockedUntil = undefined;
    return true;
  }

  async unlock(owner: string): Promise<void> {
    await this.tick();
    if (this.lockState?.owner === owner) this.lockState = undefined;
  }

  async failRefresh(owner: string, blockedUntil: number): Promise<void> {
    await this.tick();
    if (this.lockState?.owner !== owner) return;
    this.lockState = undefined;
    this.refreshBlockedUntil = blockedUntil;
  }

  async expire(token: CachedAccessToken): Promise<boolean> {
    await this.tick();
    if (this.token?.value !== token.value || this.token.expiresAt !== token.expiresAt) return false;
    this.token = undefined;
    return true;
  }

  private async tick(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export { InMemoryAccessTokenPersistence };
