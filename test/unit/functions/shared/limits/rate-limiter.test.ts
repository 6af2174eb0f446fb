import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../../../functions/shared/http/errors.js';
import { RateLimiter, retryAfterSeconds, windowAt } from '../../../../../functions/shared/limits/rate-limiter.js';
import { InMemoryCounterStore } from '../../../../support/fakes/in-memory-counter-store.js';

const MINUTE = { name: 'login', limit: 3, windowSeconds: 60 };
const DAY = { name: 'phone', limit: 2, windowSeconds: 86_400 };
const at = (iso: string) => Date.parse(iso);

/** A limiter on an in-memory store whose clock the test moves. */
const limiterAt = (rule: typeof MINUTE, startMs: number) => {
  const clock = { now: startMs };
  const counters = new InMemoryCounterStore();
  return { limiter: new RateLimiter(counters, rule, () => clock.now), counters, clock };
};

const refusal = async (attempt: Promise<void>): Promise<RateLimitedError> => {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught
  );
  expect(error).toBeInstanceOf(RateLimitedError);
  return error as RateLimitedError;
};

describe('windowAt: fixed windows aligned to the epoch', () => {
  it('puts the first and the last millisecond of a UTC minute in the same window, the next one in the next', () => {
    const first = windowAt(MINUTE, at('2026-12-01T10:15:00.000Z'));
    expect(windowAt(MINUTE, at('2026-12-01T10:15:59.999Z'))).toEqual(first);
    expect(first.end - first.start).toBe(60);
    expect(first.start).toBe(at('2026-12-01T10:15:00Z') / 1000);
    expect(windowAt(MINUTE, at('2026-12-01T10:16:00.000Z')).start).toBe(first.end);
  });

  it('makes a 86400-second window the UTC day, whatever the local time zone', () => {
    const day = windowAt(DAY, at('2026-12-01T23:59:59.999Z'));
    expect(day).toEqual({ start: at('2026-12-01T00:00:00Z') / 1000, end: at('2026-12-02T00:00:00Z') / 1000 });
    expect(windowAt(DAY, at('2026-12-02T00:00:00.000Z')).start).toBe(day.end);
  });
});

describe('retryAfterSeconds: whole seconds until the window ends, never 0', () => {
  const window = windowAt(MINUTE, at('2026-12-01T10:15:00Z'));
  it.each([
    ['2026-12-01T10:15:00.000Z', 60],
    ['2026-12-01T10:15:00.001Z', 60],
    ['2026-12-01T10:15:30.000Z', 30],
    ['2026-12-01T10:15:58.500Z', 2],
    ['2026-12-01T10:15:59.000Z', 1],
    ['2026-12-01T10:15:59.999Z', 1],
  ])('at %s: %i', (now, seconds) => {
    expect(retryAfterSeconds(window, at(now))).toBe(seconds);
  });
});

describe('RateLimiter', () => {
  it('lets exactly `limit` calls of a subject through in a window, then refuses with Retry-After', async () => {
    const { limiter, clock } = limiterAt(MINUTE, at('2026-12-01T10:15:20Z'));
    for (let i = 0; i < MINUTE.limit; i += 1) await limiter.take('203.0.113.9');
    clock.now = at('2026-12-01T10:15:45.250Z');
    const error = await refusal(limiter.take('203.0.113.9'));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(15);
    expect(error.message).toMatch(/15 seconds/);
    // The refusal names the limit for operators, never the subject (an IP or an openid).
    expect(error.logDetails).toEqual({ limit: 'login', retryAfterSeconds: 15 });
    expect(JSON.stringify(error.logDetails)).not.toContain('203.0.113.9');
  });

  it('starts afresh in the next window', async () => {
    const { limiter, clock } = limiterAt(MINUTE, at('2026-12-01T10:15:59.000Z'));
    for (let i = 0; i < MINUTE.limit; i += 1) await limiter.take('a');
    expect((await refusal(limiter.take('a'))).retryAfterSeconds).toBe(1);
    clock.now = at('2026-12-01T10:16:00.000Z');
    await expect(limiter.take('a')).resolves.toBeUndefined();
  });

  it('counts each subject on its own', async () => {
    const { limiter } = limiterAt(MINUTE, at('2026-12-01T10:15:00Z'));
    for (let i = 0; i < MINUTE.limit; i += 1) await limiter.take('a');
    await refusal(limiter.take('a'));
    await expect(limiter.take('b')).resolves.toBeUndefined();
  });

  it('refuses the third call of a UTC day until midnight UTC, then allows again', async () => {
    const { limiter, clock } = limiterAt(DAY, at('2026-12-01T00:00:00Z'));
    await limiter.take('oUser');
    clock.now = at('2026-12-01T23:00:00Z');
    await limiter.take('oUser');
    expect((await refusal(limiter.take('oUser'))).retryAfterSeconds).toBe(3600);
    clock.now = at('2026-12-02T00:00:00Z');
    await expect(limiter.take('oUser')).resolves.toBeUndefined();
  });

  it('passes the window and the limit to the store, one call per counted call, refused or not', async () => {
    const { limiter, counters } = limiterAt(MINUTE, at('2026-12-01T10:15:10Z'));
    for (let i = 0; i < MINUTE.limit + 2; i += 1) await limiter.take('a').catch(() => undefined);
    expect(counters.calls).toHaveLength(MINUTE.limit + 2);
    expect(counters.calls[0]).toEqual({
      subject: 'a',
      window: { start: at('2026-12-01T10:15:00Z') / 1000, end: at('2026-12-01T10:16:00Z') / 1000 },
      limit: MINUTE.limit,
    });
  });

  it('fails closed: a store failure is thrown as it is, never read as "under the limit"', async () => {
    const { limiter, counters } = limiterAt(MINUTE, at('2026-12-01T10:15:10Z'));
    counters.failWith = new Error('DynamoDB is down');
    await expect(limiter.take('a')).rejects.toThrow('DynamoDB is down');
  });
});
