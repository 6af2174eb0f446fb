import { beforeEach, describe, expect, it } from 'vitest';
import { hashSessionId } from '../../../../../functions/shared/sessions/session-id.js';
import { SessionPolicy } from '../../../../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../../../../functions/shared/sessions/session-store.js';
import { InMemorySessionPersistence } from '../../../../support/fakes/in-memory-session-persistence.js';

const TTL = 1000;
const MAX_AGE = 10_000;
const LOGIN = 1_700_000_000;
const identity = { openid: 'o-user-1', unionid: 'u-user-1', sessionKey: 'c2Vzc2lvbi1rZXktMTY=' };

let nowSeconds: number;
let persistence: InMemorySessionPersistence;
let sessions: SessionStore;

/** Moves the store's clock to a whole second. */
const at = (seconds: number) => {
  nowSeconds = seconds;
};

beforeEach(() => {
  nowSeconds = LOGIN;
  persistence = new InMemorySessionPersistence();
  sessions = new SessionStore(persistence, new SessionPolicy(TTL, MAX_AGE), () => nowSeconds * 1000);
});

describe('SessionStore.create', () => {
  it('issues a 43-character base64url id expiring one idle window from now', async () => {
    const issued = await sessions.create(identity);
    expect(issued.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt.getTime()).toBe((LOGIN + TTL) * 1000);
  });

  it('gives a session created mid-second at least its whole idle window', async () => {
    const loginAtMs = LOGIN * 1000 + 999;
    const store = new SessionStore(persistence, new SessionPolicy(1, MAX_AGE), () => loginAtMs);
    const issued = await store.create(identity);
    expect(issued.expiresAt.getTime() - loginAtMs).toBeGreaterThanOrEqual(1000);
    expect(await store.authorize(issued.sessionId)).toBeDefined();
  });

  it('stores the SHA-256 of the id, never the id itself', async () => {
    const { sessionId } = await sessions.create(identity);
    expect([...persistence.records.keys()]).toEqual([hashSessionId(sessionId)]);
    expect(JSON.stringify([...persistence.records.values()])).not.toContain(sessionId);
  });

  it('stores openid, unionid, the session_key, createdAt and expiresAt in epoch seconds', async () => {
    const { sessionId } = await sessions.create(identity);
    expect(persistence.records.get(hashSessionId(sessionId))).toEqual({
      key: hashSessionId(sessionId),
      openid: 'o-user-1',
      unionid: 'u-user-1',
      sessionKey: 'c2Vzc2lvbi1rZXktMTY=',
      createdAt: LOGIN,
      expiresAt: LOGIN + TTL,
    });
  });

  it('stores no unionid when WeChat sent none', async () => {
    const { sessionId } = await sessions.create({ openid: 'o-2', sessionKey: 'k' });
    expect(persistence.records.get(hashSessionId(sessionId))).not.toHaveProperty('unionid');
  });

  it('creates a new session on every login (several devices)', async () => {
    const first = await sessions.create(identity);
    const second = await sessions.create(identity);
    expect(first.sessionId).not.toBe(second.sessionId);
    expect(persistence.records.size).toBe(2);
  });

  it('caps the first expiry at the maximum age when that is shorter', async () => {
    const short = new SessionStore(persistence, new SessionPolicy(1000, 300), () => LOGIN * 1000);
    const { expiresAt } = await short.create(identity);
    expect(expiresAt.getTime()).toBe((LOGIN + 300) * 1000);
  });

  it('propagates a storage failure and issues nothing', async () => {
    const failure = new Error('ProvisionedThroughputExceededException');
    persistence.failWith = failure;
    await expect(sessions.create(identity)).rejects.toBe(failure);
  });
});

describe('SessionStore.authorize', () => {
  it('allows a fresh session with openid and unionid, never the session_key', async () => {
    const { sessionId } = await sessions.create(identity);
    const caller = await sessions.authorize(sessionId);
    expect(caller).toEqual({ openid: 'o-user-1', unionid: 'u-user-1', expiresAt: LOGIN + TTL });
    expect(caller).not.toHaveProperty('sessionKey');
  });

  it('allows a session without unionid and reports none', async () => {
    const { sessionId } = await sessions.create({ openid: 'o-2', sessionKey: 'k' });
    expect(await sessions.authorize(sessionId)).toEqual({ openid: 'o-2', expiresAt: LOGIN + TTL });
  });

  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['a short string', 'abc'],
    ['44 characters', 'a'.repeat(44)],
    ['a standard-base64 character', `${'a'.repeat(42)}+`],
    ['a number', 42],
    ['an array', ['a'.repeat(43)]],
  ])('denies %s without touching storage', async (_case, value) => {
    await sessions.create(identity);
    persistence.calls.length = 0;
    expect(await sessions.authorize(value)).toBeUndefined();
    expect(persistence.calls).toEqual([]);
  });

  it('denies an unknown well-formed id', async () => {
    await sessions.create(identity);
    expect(await sessions.authorize('A'.repeat(43))).toBeUndefined();
  });

  it('denies an expired session whose item is still in the table, and writes nothing', async () => {
    const { sessionId } = await sessions.create(identity);
    at(LOGIN + TTL);
    persistence.calls.length = 0;
    expect(await sessions.authorize(sessionId)).toBeUndefined();
    expect(persistence.records.has(hashSessionId(sessionId))).toBe(true);
    expect(persistence.ops()).toEqual(['get']);
  });

  it('allows a session one second before it expires', async () => {
    const { sessionId } = await sessions.create(identity);
    at(LOGIN + TTL - 1); // renewed on the way: now + TTL
    expect(await sessions.authorize(sessionId)).toEqual({
      openid: 'o-user-1',
      unionid: 'u-user-1',
      expiresAt: LOGIN + 2 * TTL - 1,
    });
  });

  it('denies a revoked session', async () => {
    const { sessionId } = await sessions.create(identity);
    await sessions.revoke(sessionId);
    expect(await sessions.authorize(sessionId)).toBeUndefined();
  });

  it('writes nothing during the first half of the idle window', async () => {
    const { sessionId } = await sessions.create(identity);
    persistence.calls.length = 0;
    for (const offset of [0, 1, 250, TTL / 2 - 1]) {
      at(LOGIN + offset);
      expect(await sessions.authorize(sessionId)).toBeDefined();
    }
    expect(persistence.ops()).toEqual(['get', 'get', 'get', 'get']);
    expect(persistence.records.get(hashSessionId(sessionId))?.expiresAt).toBe(LOGIN + TTL);
  });

  it('renews to now + idle timeout once half the window has passed', async () => {
    const { sessionId } = await sessions.create(identity);
    const renewAt = LOGIN + TTL / 2;
    at(renewAt);
    persistence.calls.length = 0;
    expect(await sessions.authorize(sessionId)).toEqual({
      openid: 'o-user-1',
      unionid: 'u-user-1',
      expiresAt: renewAt + TTL,
    });
    expect(persistence.calls).toEqual([
      { op: 'get', key: hashSessionId(sessionId) },
      { op: 'extend', key: hashSessionId(sessionId), expiresAt: renewAt + TTL, now: renewAt },
    ]);
    expect(persistence.records.get(hashSessionId(sessionId))?.expiresAt).toBe(renewAt + TTL);
  });

  it('renews at most once per half idle window however busy the session is', async () => {
    const { sessionId } = await sessions.create(identity);
    persistence.calls.length = 0;
    // One request every 10 s for 3000 s: windows of 500 s each allow at most one renewal.
    for (let t = LOGIN; t <= LOGIN + 3000; t += 10) {
      at(t);
      expect(await sessions.authorize(sessionId)).toBeDefined();
    }
    const extends_ = persistence.calls.filter((call) => call.op === 'extend');
    expect(extends_.length).toBeGreaterThanOrEqual(5);
    expect(extends_.length).toBeLessThanOrEqual(3000 / (TTL / 2));
  });

  it('keeps a busy session alive past its first idle window', async () => {
    const { sessionId } = await sessions.create(identity);
    for (let t = LOGIN; t <= LOGIN + 3 * TTL; t += 100) {
      at(t);
      expect(await sessions.authorize(sessionId)).toBeDefined();
    }
  });

  it('never renews past the maximum age, and denies once it is reached', async () => {
    const { sessionId } = await sessions.create(identity);
    for (let t = LOGIN; t < LOGIN + MAX_AGE; t += 100) {
      at(t);
      expect(await sessions.authorize(sessionId)).toBeDefined();
    }
    const extended = persistence.calls.flatMap((call) => (call.op === 'extend' ? [call.expiresAt] : []));
    expect(Math.max(...extended)).toBe(LOGIN + MAX_AGE);
    expect(persistence.records.get(hashSessionId(sessionId))?.expiresAt).toBe(LOGIN + MAX_AGE);
    at(LOGIN + MAX_AGE);
    expect(await sessions.authorize(sessionId)).toBeUndefined();
  });

  it('denies when the session is deleted between the read and the renewal (logout race)', async () => {
    const { sessionId } = await sessions.create(identity);
    at(LOGIN + TTL / 2 + 1);
    persistence.beforeExtend = () => persistence.records.delete(hashSessionId(sessionId));
    expect(await sessions.authorize(sessionId)).toBeUndefined();
    expect(persistence.records.size).toBe(0);
  });

  it('denies when the renewal reports the session already expired', async () => {
    const { sessionId } = await sessions.create(identity);
    const now = LOGIN + TTL / 2 + 1;
    at(now);
    persistence.beforeExtend = () => {
      const record = persistence.records.get(hashSessionId(sessionId));
      if (record) record.expiresAt = now;
    };
    expect(await sessions.authorize(sessionId)).toBeUndefined();
  });

  it('allows when a concurrent request renewed first (the renewal reports the newer expiry)', async () => {
    const { sessionId } = await sessions.create(identity);
    const now = LOGIN + TTL / 2 + 1;
    at(now);
    persistence.beforeExtend = () => {
      const record = persistence.records.get(hashSessionId(sessionId));
      if (record) record.expiresAt = now + TTL + 5;
    };
    expect(await sessions.authorize(sessionId)).toEqual({
      openid: 'o-user-1',
      unionid: 'u-user-1',
      expiresAt: now + TTL + 5,
    });
    expect(persistence.records.get(hashSessionId(sessionId))?.expiresAt).toBe(now + TTL + 5);
  });

  it('propagates a read failure: neither allow nor deny', async () => {
    const { sessionId } = await sessions.create(identity);
    const failure = new Error('read failed');
    persistence.failWith = failure;
    await expect(sessions.authorize(sessionId)).rejects.toBe(failure);
  });

  it('propagates a renewal failure: neither allow nor deny', async () => {
    const { sessionId } = await sessions.create(identity);
    at(LOGIN + TTL / 2);
    const failure = new Error('update failed');
    persistence.beforeExtend = () => {
      persistence.failWith = failure;
    };
    await expect(sessions.authorize(sessionId)).rejects.toBe(failure);
  });
});

describe('SessionStore.find', () => {
  it('returns the live record with its session_key, for server-side use', async () => {
    const { sessionId } = await sessions.create(identity);
    expect(await sessions.find(sessionId)).toMatchObject({ openid: 'o-user-1', sessionKey: identity.sessionKey });
  });

  it('returns nothing for an expired record still in the table', async () => {
    const { sessionId } = await sessions.create(identity);
    at(LOGIN + TTL);
    expect(await sessions.find(sessionId)).toBeUndefined();
  });
});

describe('SessionStore.revoke', () => {
  it('deletes only its own session; the same user on another device stays signed in', async () => {
    const phone = await sessions.create(identity);
    const tablet = await sessions.create(identity);
    await sessions.revoke(phone.sessionId);
    expect(persistence.calls.at(-1)).toEqual({ op: 'delete', key: hashSessionId(phone.sessionId) });
    expect(await sessions.authorize(phone.sessionId)).toBeUndefined();
    expect(await sessions.authorize(tablet.sessionId)).toEqual({
      openid: 'o-user-1',
      unionid: 'u-user-1',
      expiresAt: LOGIN + TTL,
    });
  });

  it('is idempotent', async () => {
    const { sessionId } = await sessions.create(identity);
    await sessions.revoke(sessionId);
    await expect(sessions.revoke(sessionId)).resolves.toBeUndefined();
  });

  it('ignores a malformed id without touching storage', async () => {
    await sessions.revoke('not-a-session-id');
    await sessions.revoke(undefined);
    expect(persistence.calls).toEqual([]);
  });

  it('propagates a storage failure', async () => {
    const { sessionId } = await sessions.create(identity);
    const failure = new Error('delete failed');
    persistence.failWith = failure;
    await expect(sessions.revoke(sessionId)).rejects.toBe(failure);
  });
});
