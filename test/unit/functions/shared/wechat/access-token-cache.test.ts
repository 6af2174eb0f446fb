import { describe, expect, it } from 'vitest';
import { defaults } from '../../../../../functions/shared/contract/defaults.js';
import { AccessTokenCache } from '../../../../../functions/shared/wechat/access-token-cache.js';
import { WeChatError } from '../../../../../functions/shared/wechat/wechat-error.js';
import { InMemoryAccessTokenPersistence } from '../../../../support/wechat/in-memory-access-token-persistence.js';

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);
const HOUR = 3_600_000;

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

/** Lets the event loop run until `done()`: e.g. until a refresh has reached its (gated) fetch. */
const until = async (done: () => boolean): Promise<void> => {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
};

const tokenRejected = (errcode: number) =>
  new WeChatError('wechat_unavailable', 'WeChat rejected the access token', errcode);

/**
 * A cache on in-memory persistence with a fake clock: `sleep` moves the clock, so waiting is instant and
 * deterministic. `fetches` counts stable_token calls; `gate`, when set, holds each fetch until released.
 */
const setup = (options: { maxWaitMs?: number } = {}) => {
  const state = {
    now: T0,
    fetches: 0,
    sleeps: 0,
    gate: undefined as Promise<void> | undefined,
    onSleep: undefined as (() => void) | undefined,
    fail: undefined as Error | undefined,
  };
  const persistence = new InMemoryAccessTokenPersistence();
  const fetchToken = async () => {
    state.fetches += 1;
    const n = state.fetches;
    if (state.gate !== undefined) await state.gate;
    if (state.fail) throw state.fail;
    return { accessToken: `token-${n}`, expiresInSeconds: 7200 };
  };
  const cache = new AccessTokenCache(persistence, fetchToken, {
    clock: () => state.now,
    sleep: async (ms) => {
      state.now += ms;
      state.sleeps += 1;
      state.onSleep?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
    maxWaitMs: options.maxWaitMs ?? 60_000,
  });
  return { state, persistence, cache };
};

describe('AccessTokenCache.get', () => {
  it('fetches once, then serves the cached token until it is within the refresh margin', async () => {
    const { state, cache } = setup();
    expect((await cache.get()).value).toBe('token-1');
    state.now += HOUR;
    expect((await cache.get()).value).toBe('token-1');
    expect(state.fetches).toBe(1);
    // 7200 s lifetime, refreshed when less than 4 minutes are left.
    state.now = T0 + 7200_000 - 239_000;
    expect((await cache.get()).value).toBe('token-2');
    expect(state.fetches).toBe(2);
  });

  it('stores the expiry counted from before the request, never later than WeChat says', async () => {
    const { state, persistence, cache } = setup();
    const gate = deferred();
    state.gate = gate.promise;
    const pending = cache.get();
    await until(() => state.fetches === 1);
    state.now += 1500; // the request took 1.5 s
    gate.resolve();
    await pending;
    expect(persistence.token?.expiresAt).toBe(T0 + 7200_000);
  });

  it('concurrent callers on an empty cache cause exactly one refresh and all get its token', async () => {
    const { state, cache } = setup();
    const gate = deferred();
    state.gate = gate.promise;
    // Release the one refresh only once the other callers are all waiting on it.
    state.onSleep = () => {
      if (state.sleeps >= 30) gate.resolve();
    };
    const tokens = await Promise.all(Array.from({ length: 10 }, () => cache.get()));
    expect(state.fetches).toBe(1);
    expect(new Set(tokens.map((token) => token.value))).toEqual(new Set(['token-1']));
  });

  it('a caller that read an empty cache does not refresh again after another caller saved a token and freed the lock', async () => {
    const { state, persistence, cache } = setup();
    const entered = deferred();
    const release = deferred();
    const lock = persistence.lock.bind(persistence);
    let locks = 0;
    // Hold the first caller between its read (no token, no lock) and its lock attempt.
    persistence.lock = async (...args) => {
      locks += 1;
      if (locks === 1) {
        entered.resolve();
        await release.promise;
      }
      return lock(...args);
    };
    const first = cache.get();
    await entered.promise;
    expect((await cache.get()).value).toBe('token-1'); // read, lock, fetch, save (which frees the lock)
    release.resolve();
    expect((await first).value).toBe('token-1');
    expect(state.fetches).toBe(1);
    expect(persistence.lockState).toBeUndefined();
  });

  it('while one caller refreshes a token near expiry, the others use the cached token without waiting', async () => {
    const { state, persistence, cache } = setup();
    persistence.token = { value: 'old', expiresAt: T0 + 200_000 }; // within the margin, still 200 s to live
    const gate = deferred();
    state.gate = gate.promise;
    const refreshing = cache.get();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const others = await Promise.all(Array.from({ length: 5 }, () => cache.get()));
    expect(others.map((token) => token.value)).toEqual(Array(5).fill('old'));
    expect(state.sleeps).toBe(0);
    gate.resolve();
    expect((await refreshing).value).toBe('token-1');
    expect(state.fetches).toBe(1);
  });

  it('never writes a stale token over a newer one when a slow refresher outlives its lock', async () => {
    const { state, persistence, cache } = setup();
    const slow = deferred();
    state.gate = slow.promise;
    const first = cache.get(); // takes the lock, fetch held
    await until(() => state.fetches === 1);

    // Its lease runs out; a second caller takes over and completes a refresh with a later-expiring token.
    state.now += 10_000;
    state.gate = undefined;
    const second = await cache.get();
    expect(second.value).toBe('token-2');
    expect(persistence.token?.value).toBe('token-2');

    slow.resolve();
    expect((await first).value).toBe('token-1'); // still valid for its own call
    expect(persistence.token).toEqual({ value: 'token-2', expiresAt: T0 + 10_000 + 7200_000 });
  });

  it('a failed refresh releases the lock and blocks refreshes for a short back-off, in every Lambda; then refreshes again', async () => {
    const { state, persistence, cache } = setup();
    // A second warm Lambda on the same table entry.
    const other = new AccessTokenCache(
      persistence,
      async () => {
        state.fetches += 1;
        return { accessToken: `token-${state.fetches}`, expiresInSeconds: 7200 };
      },
      { clock: () => state.now }
    );
    state.fail = new WeChatError('wechat_unavailable', 'WeChat could not be reached (TimeoutError)');
    await expect(cache.get()).rejects.toBe(state.fail);
    expect(persistence.lockState).toBeUndefined();
    expect(persistence.refreshBlockedUntil).toBe(T0 + defaults.accessTokenRefreshBackoffMs);
    state.fail = undefined;

    // Within the back-off: no refresh, no polling of the hot key, a quick 503 wechat_busy, from either Lambda.
    state.now = T0 + defaults.accessTokenRefreshBackoffMs - 1;
    const readsBefore = persistence.reads;
    await expect(cache.get()).rejects.toMatchObject({ code: 'wechat_busy' });
    await expect(other.get()).rejects.toMatchObject({
      code: 'wechat_busy',
      message: expect.stringMatching(/try again in 1 s/),
    });
    expect(state.fetches).toBe(1);
    expect(state.sleeps).toBe(0);
    expect(persistence.reads - readsBefore).toBe(2);

    // Once it has passed, one caller refreshes, and a saved token clears the back-off.
    state.now = T0 + defaults.accessTokenRefreshBackoffMs;
    expect((await other.get()).value).toBe('token-2');
    expect(persistence.refreshBlockedUntil).toBeUndefined();
    expect((await cache.get()).value).toBe('token-2');
  });

  it('during the back-off, a cached token that still has some life left is handed out', async () => {
    const { state, persistence, cache } = setup();
    persistence.token = { value: 'old', expiresAt: T0 + 3 * 60_000 };
    state.fail = new WeChatError('wechat_unavailable', 'WeChat could not be reached (TimeoutError)');
    // Due for renewal (under 4 minutes left): the refresh fails, the old token still serves this call.
    await expect(cache.get()).rejects.toBe(state.fail);
    expect((await cache.get()).value).toBe('old');
    expect(state.fetches).toBe(1);
  });

  it('a warm Lambda keeps its token in memory: one read of the shared entry for many calls, until renewal is due', async () => {
    const { state, persistence, cache } = setup();
    expect((await cache.get()).value).toBe('token-1');
    const readsAfterFirst = persistence.reads;
    for (let i = 0; i < 50; i += 1) expect((await cache.get()).value).toBe('token-1');
    expect(persistence.reads).toBe(readsAfterFirst);

    // Within the refresh margin the shared entry is read again (and the token renewed).
    state.now = T0 + 7200_000 - defaults.accessTokenRefreshMarginSeconds * 1000;
    expect((await cache.get()).value).toBe('token-2');
    expect(persistence.reads).toBeGreaterThan(readsAfterFirst);
  });

  it('a token WeChat rejected is dropped from memory too, so the retry reads the shared entry', async () => {
    const { state, persistence, cache } = setup();
    await cache.get();
    const used: string[] = [];
    await cache.withToken(async (token) => {
      used.push(token);
      if (token === 'token-1') throw tokenRejected(40001);
      return token;
    });
    expect(used).toEqual(['token-1', 'token-2']);
    expect((await cache.get()).value).toBe('token-2');
    expect(persistence.token?.value).toBe('token-2');
    expect(state.fetches).toBe(2);
  });

  it('gives up with wechat_busy when another refresh holds the lock and no usable token is cached', async () => {
    const { state, persistence, cache } = setup({ maxWaitMs: 1000 });
    persistence.lockState = { owner: 'someone-else', expiresAt: T0 + 5000 };
    await expect(cache.get()).rejects.toMatchObject({ code: 'wechat_busy' });
    expect(state.fetches).toBe(0);
  });

  it("takes over when another caller's lock lapsed without a token being saved", async () => {
    const { state, persistence, cache } = setup();
    persistence.lockState = { owner: 'crashed-lambda', expiresAt: T0 + 500 };
    expect((await cache.get()).value).toBe('token-1');
    expect(state.fetches).toBe(1);
    expect(state.now).toBeGreaterThanOrEqual(T0 + 500);
  });
});

describe('AccessTokenCache.withToken', () => {
  for (const errcode of [40001, 42001, 40014]) {
    it(`on errcode ${errcode} drops the token, refreshes exactly once and retries exactly once`, async () => {
      const { state, persistence, cache } = setup();
      persistence.token = { value: 'cached', expiresAt: T0 + HOUR };
      const used: string[] = [];
      const result = await cache.withToken(async (token) => {
        used.push(token);
        if (used.length === 1) throw tokenRejected(errcode);
        return 'ok';
      });
      expect(result).toBe('ok');
      expect(used).toEqual(['cached', 'token-1']);
      expect(state.fetches).toBe(1);
    });
  }

  it('does not retry a second time when the fresh token is rejected too', async () => {
    const { state, persistence, cache } = setup();
    persistence.token = { value: 'cached', expiresAt: T0 + HOUR };
    let calls = 0;
    const rejection = tokenRejected(42001);
    await expect(
      cache.withToken(async () => {
        calls += 1;
        throw rejection;
      })
    ).rejects.toBe(rejection);
    expect(calls).toBe(2);
    expect(state.fetches).toBe(1);
  });

  it('does not refresh or retry on other errors', async () => {
    const { state, persistence, cache } = setup();
    persistence.token = { value: 'cached', expiresAt: T0 + HOUR };
    let calls = 0;
    const busy = new WeChatError('wechat_busy', 'WeChat is busy; try again shortly', -1);
    await expect(
      cache.withToken(async () => {
        calls += 1;
        throw busy;
      })
    ).rejects.toBe(busy);
    expect(calls).toBe(1);
    expect(state.fetches).toBe(0);
    expect(persistence.token?.value).toBe('cached');
  });

  it('when many callers see the same token rejected, it is refreshed once and all retry with the new one', async () => {
    const { state, persistence, cache } = setup();
    persistence.token = { value: 'cached', expiresAt: T0 + HOUR };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        cache.withToken(async (token) => {
          if (token === 'cached') throw tokenRejected(42001);
          return token;
        })
      )
    );
    expect(results).toEqual(Array(5).fill('token-1'));
    expect(state.fetches).toBe(1);
  });
});
