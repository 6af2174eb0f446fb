import { beforeEach, describe, expect, it } from 'vitest';
import { hashSessionId, sessionHandleOf } from '../../../../../functions/shared/sessions/session-id.js';
import { SessionPolicy } from '../../../../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../../../../functions/shared/sessions/session-store.js';
import { InMemorySessionPersistence } from '../../../../support/fakes/in-memory-session-persistence.js';

const TTL = 1000;
const MAX_AGE = 10_000;
const LOGIN = 1_700_000_000;
const APP = 'wxaaaaaaaaaaaaaaaa';
const identity = { appId: APP, openid: 'o-user-1', unionid: 'u-user-1', sessionKey: 'c2Vzc2lvbi1rZXktMTY=' };
const caller = { openid: 'o-user-1', unionid: 'u-user-1', appId: APP };

let nowMs: number;
let persistence: InMemorySessionPersistence;
let sessions: SessionStore;

/** Moves the store's clock to a whole second. */
const at = (seconds: number) => {
  nowMs = seconds * 1000;
};

beforeEach(() => {
  nowMs = LOGIN * 1000;
  persistence = new InMemorySessionPersistence();
  sessions = new SessionStore(persistence, new SessionPolicy(TTL, MAX_AGE), {
    clock: () => nowMs,
    maxSessionsPerUser: 3,
    originalAppId: APP,
  });
});

describe('SessionStore.create', () => {
  it('issues a 43-character base64url id expiring one idle window from now', async () => {
    const issued = await sessions.create(identity);
    expect(issued.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt.getTime()).toBe((LOGIN + TTL) * 1000);
  });

  it('never gives a session created mid-second more than its idle window (no rounding up)', async () => {
    nowMs = LOGIN * 1000 + 999;
    const issued = await sessions.create(identity);
    expect(issued.expiresAt.getTime()).toBeLessThanOrEqual(nowMs + TTL * 1000);
    // Refused from the announced expiry on, to the millisecond (never a second later).
    nowMs = issued.expiresAt.getTime();
    expect(await sessions.authorize(issued.sessionId)).toBeUndefined();
  });

  it('stores the SHA-256 of the id, never the id itself, and no session_key in the session', async () => {
    const { sessionId } = await sessions.create(identity);
    expect([...persistence.records.keys()]).toEqual([hashSessionId(sessionId)]);
    expect(JSON.stringify([...persistence.records.values()])).not.toContain(sessionId);
    expect(persistence.records.get(hashSessionId(sessionId))).toEqual({
      key: hashSessionId(sessionId),
      openid: 'o-user-1',
      unionid: 'u-user-1',
      appId: APP,
      createdAt: LOGIN,
      expiresAt: LOGIN + TTL,
    });
  });

  it('keeps the session_key, login times and the session list in the user record', async () => {
    const { sessionId } = await sessions.create(identity);
    const user = persistence.users.get('o-user-1');
    expect(user).toMatchObject({
      appId: APP,
      openid: 'o-user-1',
      unionid: 'u-user-1',
      sessionKey: identity.sessionKey,
      keyExpiresAt: LOGIN + MAX_AGE,
      firstLoginAtMs: LOGIN * 1000,
      lastLoginAtMs: LOGIN * 1000,
    });
    expect(user?.sessions).toEqual([
      { handle: sessionHandleOf(hashSessionId(sessionId)), key: hashSessionId(sessionId), createdAtMs: LOGIN * 1000 },
    ]);
  });

  it('stores no unionid when WeChat sent none', async () => {
    const { sessionId } = await sessions.create({ appId: APP, openid: 'o-2', sessionKey: 'k' });
    expect(persistence.records.get(hashSessionId(sessionId))).not.toHaveProperty('unionid');
  });

  it('says isNewUser true on the first login of the openid only, keeping the first login time', async () => {
    expect((await sessions.create(identity)).isNewUser).toBe(true);
    at(LOGIN + 5);
    expect((await sessions.create(identity)).isNewUser).toBe(false);
    expect(persistence.users.get('o-user-1')).toMatchObject({
      firstLoginAtMs: LOGIN * 1000,
      lastLoginAtMs: (LOGIN + 5) * 1000,
    });
    expect((await sessions.create({ ...identity, openid: 'o-other' })).isNewUser).toBe(true);
  });

  it('makes one read and one write per login', async () => {
    await sessions.create(identity);
    expect(persistence.ops()).toEqual(['getUser', 'commitLogin']);
  });

  it('gives exactly one of two racing first logins isNewUser true', async () => {
    // The second login lands between the first one's read and its write.
    let raced = false;
    persistence.beforeCommit = () => {
      if (raced) return;
      raced = true;
      persistence.users.set('o-user-1', { openid: 'o-user-1', appId: APP, sessions: [], version: 1 });
    };
    expect((await sessions.create(identity)).isNewUser).toBe(false);
    expect(persistence.ops()).toEqual(['getUser', 'commitLogin', 'getUser', 'commitLogin']);
  });

  it('never replaces a newer session_key with an older one (a slower concurrent login)', async () => {
    const newer = { sessionKey: 'bmV3ZXIta2V5LTEyMzQ1Ng==', keyIssuedAtMs: LOGIN * 1000 + 500 };
    persistence.users.set('o-user-1', {
      openid: 'o-user-1',
      appId: APP,
      ...newer,
      keyExpiresAt: LOGIN + MAX_AGE,
      sessions: [],
      version: 4,
    });
    await sessions.create(identity); // its key arrived at LOGIN, before the stored one
    expect(persistence.users.get('o-user-1')).toMatchObject({ ...newer, version: 5 });
    expect(persistence.users.get('o-user-1')?.sessions).toHaveLength(1);
  });

  it('ends the oldest session when a login goes beyond the limit', async () => {
    const issued = [];
    for (let i = 0; i < 4; i += 1) {
      at(LOGIN + i);
      issued.push(await sessions.create(identity));
    }
    expect(await sessions.authorize(issued[0]?.sessionId)).toBeUndefined();
    for (const later of issued.slice(1)) expect(await sessions.authorize(later.sessionId)).toBeDefined();
    expect(persistence.users.get('o-user-1')?.sessions).toHaveLength(3);
  });

  it('drops entries past the maximum age without counting them against the limit', async () => {
    const old = await sessions.create(identity);
    at(LOGIN + MAX_AGE);
    for (let i = 0; i < 3; i += 1) await sessions.create(identity);
    const keys = persistence.users.get('o-user-1')?.sessions.map((entry) => entry.key);
    expect(keys).toHaveLength(3);
    expect(keys).not.toContain(hashSessionId(old.sessionId));
  });

  it('creates a new session on every login (several devices)', async () => {
    const first = await sessions.create(identity);
    const second = await sessions.create(identity);
    expect(first.sessionId).not.toBe(second.sessionId);
    expect(persistence.records.size).toBe(2);
  });

  it('caps the first expiry at the maximum age when that is shorter', async () => {
    const short = new SessionStore(persistence, new SessionPolicy(1000, 300), { clock: () => LOGIN * 1000 });
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
  it('allows a fresh session with openid, unionid and appId, never the session_key', async () => {
    const { sessionId } = await sessions.create(identity);
    const allowed = await sessions.authorize(sessionId);
    expect(allowed).toEqual({ openid: 'o-user-1', unionid: 'u-user-1', appId: APP, expiresAt: LOGIN + TTL });
    expect(allowed).not.toHaveProperty('sessionKey');
  });

  it('allows a session without unionid and reports none', async () => {
    const { sessionId } = await sessions.create({ appId: APP, openid: 'o-2', sessionKey: 'k' });
    expect(await sessions.authorize(sessionId)).toEqual({ openid: 'o-2', appId: APP, expiresAt: LOGIN + TTL });
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
    at(LOGIN + TTL - 1);
    expect(await sessions.authorize(sessionId)).toMatchObject(caller);
  });

  it('denies a revoked session', async () => {
    const { sessionId } = await sessions.create(identity);
    await sessions.revoke(caller, sessionId);
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
    expect(await sessions.authorize(sessionId)).toMatchObject(caller);
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

  it('serves a request whose renewal lost to a logout (the read found it live), and never recreates the item', async () => {
    const { sessionId } = await sessions.create(identity);
    at(LOGIN + TTL / 2 + 1);
    persistence.beforeExtend = () => persistence.records.delete(hashSessionId(sessionId));
    expect(await sessions.authorize(sessionId)).toMatchObject(caller);
    expect(persistence.records.size).toBe(0);
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
    expect(await sessions.authorize(sessionId)).toMatchObject(caller);
    expect(persistence.records.get(hashSessionId(sessionId))?.expiresAt).toBe(now + TTL + 5);
  });

  it("reads a session from before several apps as the original app's", async () => {
    const { sessionId } = await sessions.create(identity);
    const record = persistence.records.get(hashSessionId(sessionId));
    if (record) delete record.appId;
    expect(await sessions.authorize(sessionId)).toMatchObject(caller);
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

describe('SessionStore.list', () => {
  it("lists the caller's live sessions newest first, by handle, marking the calling one", async () => {
    const phone = await sessions.create(identity);
    at(LOGIN + 1);
    const tablet = await sessions.create(identity);
    await sessions.create({ ...identity, openid: 'o-someone-else' });
    const listed = await sessions.list(caller, phone.sessionId);
    expect(listed.map((session) => session.handle)).toEqual(
      [tablet, phone].map((issued) => sessionHandleOf(hashSessionId(issued.sessionId)))
    );
    expect(listed.map((session) => session.current)).toEqual([false, true]);
    expect(listed[0]).toMatchObject({
      createdAt: new Date((LOGIN + 1) * 1000),
      expiresAt: new Date((LOGIN + 1 + TTL) * 1000),
    });
    expect(JSON.stringify(listed)).not.toContain(phone.sessionId);
  });

  it('leaves out ended and expired sessions', async () => {
    const first = await sessions.create(identity);
    at(LOGIN + 600);
    const second = await sessions.create(identity);
    await sessions.revoke(caller, first.sessionId);
    at(LOGIN + 600 + TTL);
    expect(await sessions.list(caller, second.sessionId)).toEqual([]);
  });

  it('reads the session list without the session_key', async () => {
    const { sessionId } = await sessions.create(identity);
    persistence.calls.length = 0;
    await sessions.list(caller, sessionId);
    expect(persistence.calls[0]).toEqual({ op: 'getUser', openid: 'o-user-1', view: 'sessions' });
  });
});

describe('SessionStore.end', () => {
  it("ends one of the caller's sessions by its handle, leaving the others", async () => {
    const phone = await sessions.create(identity);
    const tablet = await sessions.create(identity);
    await sessions.end(caller, sessionHandleOf(hashSessionId(tablet.sessionId)));
    expect(await sessions.authorize(tablet.sessionId)).toBeUndefined();
    expect(await sessions.authorize(phone.sessionId)).toMatchObject(caller);
    expect(persistence.users.get('o-user-1')?.sessions).toHaveLength(1);
  });

  it.each([
    ['a handle of another user', 'other'],
    ['an ended session', 'ended'],
    ['a session id', 'id'],
    ['garbage', 'garbage'],
  ])('answers not_found for %s', async (_case, kind) => {
    const mine = await sessions.create(identity);
    const theirs = await sessions.create({ ...identity, openid: 'o-someone-else' });
    const ended = await sessions.create(identity);
    await sessions.revoke(caller, ended.sessionId);
    const handle = {
      other: sessionHandleOf(hashSessionId(theirs.sessionId)),
      ended: sessionHandleOf(hashSessionId(ended.sessionId)),
      id: mine.sessionId,
      garbage: '../../x',
    }[kind];
    await expect(sessions.end(caller, handle)).rejects.toMatchObject({ code: 'not_found' });
    expect(await sessions.authorize(theirs.sessionId)).toBeDefined();
  });
});

describe('SessionStore.revoke', () => {
  it('deletes only its own session; the same user on another device stays signed in', async () => {
    const phone = await sessions.create(identity);
    const tablet = await sessions.create(identity);
    await sessions.revoke(caller, phone.sessionId);
    expect(persistence.calls.at(-1)).toMatchObject({ op: 'endSession', key: hashSessionId(phone.sessionId) });
    expect(await sessions.authorize(phone.sessionId)).toBeUndefined();
    expect(await sessions.authorize(tablet.sessionId)).toMatchObject(caller);
  });

  it('is idempotent', async () => {
    const { sessionId } = await sessions.create(identity);
    await sessions.revoke(caller, sessionId);
    await expect(sessions.revoke(caller, sessionId)).resolves.toBeUndefined();
  });

  it('ignores a malformed id without touching storage', async () => {
    await sessions.revoke(caller, 'not-a-session-id');
    await sessions.revoke(caller, undefined);
    expect(persistence.calls).toEqual([]);
  });

  it('propagates a storage failure', async () => {
    const { sessionId } = await sessions.create(identity);
    const failure = new Error('delete failed');
    persistence.failWith = failure;
    await expect(sessions.revoke(caller, sessionId)).rejects.toBe(failure);
  });
});

describe('SessionStore.revokeAll', () => {
  it("ends every session of the user in the app, and no one else's", async () => {
    const mine = [await sessions.create(identity), await sessions.create(identity)];
    const theirs = await sessions.create({ ...identity, openid: 'o-someone-else' });
    await sessions.revokeAll(caller, mine[0]?.sessionId);
    for (const issued of mine) expect(await sessions.authorize(issued.sessionId)).toBeUndefined();
    expect(await sessions.authorize(theirs.sessionId)).toBeDefined();
    expect(persistence.users.get('o-user-1')?.sessions).toEqual([]);
  });

  it('also ends a session a concurrent login added after the list was read', async () => {
    const first = await sessions.create(identity);
    let late: string | undefined;
    const original = persistence.endSessions.bind(persistence);
    persistence.endSessions = async (...args) => {
      if (!late) late = (await sessions.create(identity)).sessionId; // lands between the read and the write
      return original(...args);
    };
    await sessions.revokeAll(caller, first.sessionId);
    expect(await sessions.authorize(late)).toBeUndefined();
    expect(await sessions.authorize(first.sessionId)).toBeUndefined();
  });
});
