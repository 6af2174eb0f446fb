import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../../functions/shared/http/errors.js';
import {
  LoginReplay,
  type LoginReplayPersistence,
  type LoginReply,
  type ReplayRecord,
} from '../../../../../functions/shared/login/login-replay.js';
import { openReply, replayKeysOf, sealReply } from '../../../../../functions/shared/login/replay-crypto.js';
import { withTimeBudget } from '../../../../../functions/shared/runtime/time-budget.js';

const APP_ID = 'wx0123456789abcdef';

/** The persistence rules of DynamoDbLoginReplayPersistence, in memory. */
class InMemoryReplayPersistence implements LoginReplayPersistence {
  readonly records = new Map<string, ReplayRecord>();

  async claim(id: string, record: ReplayRecord, nowMs: number) {
    const existing = this.records.get(id);
    const free =
      !existing ||
      existing.expiresAt <= Math.floor(nowMs / 1000) ||
      (existing.state === 'pending' && existing.leaseUntil <= nowMs);
    if (!free) return existing;
    this.records.set(id, record);
    return undefined;
  }

  async read(id: string) {
    return this.records.get(id);
  }

  async complete(id: string, owner: string, sealed: string) {
    const existing = this.records.get(id);
    if (existing?.state === 'pending' && existing.owner === owner) {
      this.records.set(id, { ...existing, state: 'done', sealed });
    }
  }

  async release(id: string, owner: string) {
    const existing = this.records.get(id);
    if (existing?.state === 'pending' && existing.owner === owner) this.records.delete(id);
  }
}

const reply = (sessionId: string): LoginReply => ({ sessionId, expiresAt: '2026-12-09T00:00:00.000Z' });

const setup = (live = new Set<string>()) => {
  const persistence = new InMemoryReplayPersistence();
  const replay = new LoginReplay(persistence, {
    appId: APP_ID,
    isLive: async (sessionId) => live.has(sessionId),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5))),
  });
  return { persistence, replay, live };
};

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
};

describe('LoginReplay', () => {
  it('logs in once and answers a retry of the code with the same reply while its session lives', async () => {
    const { replay, live } = setup(new Set(['s-1']));
    let logins = 0;
    const login = async () => {
      logins += 1;
      return reply('s-1');
    };
    expect(await replay.run('code-1', login)).toEqual(reply('s-1'));
    expect(await replay.run('code-1', login)).toEqual(reply('s-1'));
    expect(logins).toBe(1);
    live.delete('s-1');
    expect(await codeOf(replay.run('code-1', login))).toBe('invalid_code');
    expect(logins).toBe(1);
  });

  it('a failed login releases the code: the retry logs in (and meets WeChat’s own verdict)', async () => {
    const { replay, persistence } = setup(new Set(['s-2']));
    await expect(replay.run('code-2', async () => Promise.reject(new Error('WeChat down')))).rejects.toThrow();
    expect(persistence.records.size).toBe(0);
    expect(await replay.run('code-2', async () => reply('s-2'))).toEqual(reply('s-2'));
  });

  it('a request arriving while the first logs in waits for its reply', async () => {
    const { replay } = setup(new Set(['s-3']));
    let finish: (value: LoginReply) => void = () => undefined;
    const first = replay.run('code-3', () => new Promise<LoginReply>((resolve) => (finish = resolve)));
    const second = replay.run('code-3', async () => reply('never'));
    setTimeout(() => finish(reply('s-3')), 30);
    expect(await Promise.all([first, second])).toEqual([reply('s-3'), reply('s-3')]);
  });

  it('answers 409 login_in_progress with Retry-After 1 when its budget ends before the first login does', async () => {
    const { replay } = setup();
    void replay.run('code-4', () => new Promise<LoginReply>(() => undefined));
    const waiting = withTimeBudget(async () => replay.run('code-4', async () => reply('never')));
    const error = await waiting(undefined, { getRemainingTimeInMillis: () => 1000 }).catch((caught: unknown) => caught);
    expect((error as AppError).code).toBe('login_in_progress');
    expect((error as AppError).retryAfterSeconds).toBe(1);
  });

  it('takes over a code whose first request died (its lease ran out)', async () => {
    const { replay, persistence } = setup(new Set(['s-5']));
    const { lookupId } = replayKeysOf('code-5', APP_ID);
    persistence.records.set(lookupId, {
      state: 'pending',
      owner: 'dead',
      leaseUntil: Date.now() - 1,
      expiresAt: Math.floor(Date.now() / 1000) + 300,
    });
    expect(await replay.run('code-5', async () => reply('s-5'))).toEqual(reply('s-5'));
  });

  it('stores neither the code nor the session id: only an HKDF of the code and the reply sealed under another', async () => {
    const { replay, persistence } = setup(new Set(['s-6-session-id']));
    await replay.run('code-6-secret', async () => reply('s-6-session-id'));
    const stored = JSON.stringify([...persistence.records]);
    expect(stored).not.toContain('s-6-session-id');
    expect(stored).not.toContain('code-6-secret');
  });
});

describe('replay-crypto', () => {
  it('derives per-app lookup ids, and only the same code opens a sealed reply', () => {
    const mine = replayKeysOf('code-7', APP_ID);
    expect(replayKeysOf('code-7', APP_ID)).toEqual(mine);
    expect(replayKeysOf('code-7', 'wxffffffffffffffff').lookupId).not.toBe(mine.lookupId);
    expect(mine.lookupId).not.toBe(mine.key.toString('base64url'));
    const sealed = sealReply(reply('s-7'), mine.key);
    expect(openReply(sealed, mine.key)).toEqual(reply('s-7'));
    expect(() => openReply(sealed, replayKeysOf('code-8', APP_ID).key)).toThrow();
    const [version, iv, ciphertext, tag] = sealed.split('.');
    const flipped = Buffer.from(ciphertext ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = [version, iv, flipped.toString('base64url'), tag].join('.');
    expect(() => openReply(tampered, mine.key)).toThrow();
  });
});
