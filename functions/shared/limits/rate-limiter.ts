import { RateLimitedError } from '../http/errors.js';
import { type Clock, systemClock } from '../runtime/clock.js';
import { metrics } from '../runtime/metrics.js';

/**
 * A fixed-window limit: at most `limit` counted calls per subject in each window of `windowSeconds`, windows aligned
 * to the Unix epoch (so 60 is the UTC minute and 86400 the UTC day: Unix time has no leap seconds).
 */
interface LimitRule {
  /** For logs and metrics (functions/shared/contract/limits.ts `limitNames`): `login_per_ip`, `phone_per_user`. */
  readonly name: string;
  readonly limit: number;
  readonly windowSeconds: number;
}

/** One window of a rule, in epoch seconds: `start` inclusive, `end` exclusive. */
interface LimitWindow {
  readonly start: number;
  readonly end: number;
}

/**
 * Where the counters live. One call per counted request: add one to the subject's counter for the window unless it
 * has reached `limit`, atomically (a conditional write, never a read then a write). False when the limit was reached.
 * Any other failure throws: the caller then refuses the request (fail closed), it never lets it through.
 */
interface CounterStore {
  increment(subject: string, window: LimitWindow, limit: number): Promise<boolean>;
}

/** The window of `rule` that holds `nowMs`. */
const windowAt = (rule: Pick<LimitRule, 'windowSeconds'>, nowMs: number): LimitWindow => {
  const start = Math.floor(nowMs / 1000 / rule.windowSeconds) * rule.windowSeconds;
  return { start, end: start + rule.windowSeconds };
};

/** Whole seconds from `nowMs` until the window ends, at least 1: what `Retry-After` says. */
const retryAfterSeconds = (window: LimitWindow, nowMs: number): number =>
  Math.max(1, Math.ceil((window.end * 1000 - nowMs) / 1000));

/**
 * Counts calls per subject (a client IP, a user) and refuses those over the rule's limit with RateLimitedError
 * (429, `Retry-After` until the window ends). Counted before the work it protects, successful or not.
 *
 * @example
 * const logins = new RateLimiter(counters, { name: 'login_per_ip', limit: 60, windowSeconds: 60 });
 * await logins.take(sourceIp); // throws RateLimitedError over the limit
 */
class RateLimiter {
  constructor(
    private readonly counters: CounterStore,
    readonly rule: LimitRule,
    private readonly clock: Clock = systemClock
  ) {}

  /** Counts one call of `subject`; throws RateLimitedError when the window's limit is already reached. */
  async take(subject: string): Promise<void> {
    const now = this.clock();
    const window = windowAt(this.rule, now);
    if (await this.counters.increment(subject, window, this.rule.limit)) return;
    refuse(this.rule.name, retryAfterSeconds(window, now));
  }
}

/**
 * The one place a limit refuses a request (a metric of refusals belongs here). The error mapper logs it with the
 * limit's name, never the subject: an IP or an openid is personal data.
 */
const refuse = (limit: string, retryAfter: number): never => {
  metrics.rateLimitRefusal(limit);
  throw new RateLimitedError(`Too many requests; try again in ${retryAfter} seconds`, retryAfter, {
    logDetails: { limit, retryAfterSeconds: retryAfter },
  });
};

export type { CounterStore, LimitRule, LimitWindow };
export { RateLimiter, refuse, retryAfterSeconds, windowAt };
