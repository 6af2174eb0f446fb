import { AsyncLocalStorage } from 'node:async_hooks';
import { defaults } from '../contract/defaults.js';

/** What a Lambda context (or the twin's) offers about time: the milliseconds left before the runtime kills us. */
interface RemainingTime {
  getRemainingTimeInMillis?: () => number;
}

type Clock = () => number;

/**
 * The one time budget of an invocation: the function's Lambda timeout (read from the context, so the stack's sizing
 * in infra/function-sizing.ts is the only number) minus a safety margin. Every WeChat attempt and DynamoDB call of
 * the invocation is bounded by it, so the function answers before Lambda would kill it.
 *
 * @example
 * const budget = TimeBudget.fromContext(context);
 * const timeoutMs = budget.attemptTimeoutMs({ capMs: 3000, reserveMs: 1000, minMs: 500 }); // undefined: no time
 */
class TimeBudget {
  readonly signal: AbortSignal;

  constructor(
    /** Epoch milliseconds at which the budget ends. */
    readonly deadline: number,
    private readonly clock: Clock = Date.now
  ) {
    this.signal = AbortSignal.timeout(Math.max(0, deadline - clock()));
  }

  /** The budget of an invocation whose context reports its remaining time; undefined without one (a bare call). */
  static fromContext(
    context: RemainingTime | undefined,
    marginMs: number = defaults.budgetSafetyMarginMs,
    clock: Clock = Date.now
  ): TimeBudget | undefined {
    const remaining = context?.getRemainingTimeInMillis?.();
    if (typeof remaining !== 'number' || !Number.isFinite(remaining)) return undefined;
    return new TimeBudget(clock() + Math.max(0, remaining - marginMs), clock);
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - this.clock());
  }

  /**
   * How long one attempt may take: at most `capMs`, and ending `reserveMs` before the budget does, so the work that
   * follows it still fits. undefined when that leaves less than `minMs`: the attempt could not finish, so it must
   * not start.
   */
  attemptTimeoutMs({ capMs, reserveMs = 0, minMs = 1 }: { capMs: number; reserveMs?: number; minMs?: number }) {
    const available = Math.min(capMs, this.remainingMs() - reserveMs);
    return available >= minMs ? available : undefined;
  }
}

const storage = new AsyncLocalStorage<TimeBudget>();

/** The budget of the invocation this code runs in, if it runs inside `withTimeBudget`. */
const currentBudget = (): TimeBudget | undefined => storage.getStore();

/**
 * Runs a handler inside its invocation's budget (from the context's getRemainingTimeInMillis), so every call it makes
 * (the WeChat client, the DynamoDB client) finds the budget without it being passed along. Invocations running side
 * by side in one process (the twin) each keep their own.
 */
const withTimeBudget =
  <Event, Result>(handler: (event: Event, context?: unknown) => Promise<Result>) =>
  (event: Event, context?: unknown): Promise<Result> => {
    const budget = TimeBudget.fromContext(context as RemainingTime | undefined);
    return budget ? storage.run(budget, () => handler(event, context)) : handler(event, context);
  };

/**
 * An AbortSignal for one call of at most `capMs` (when given) that also fires when the current budget ends.
 * undefined when neither bounds the call.
 */
const budgetSignal = (capMs?: number): AbortSignal | undefined => {
  const signals = [currentBudget()?.signal, capMs === undefined ? undefined : AbortSignal.timeout(capMs)].filter(
    (signal): signal is AbortSignal => signal !== undefined
  );
  if (signals.length <= 1) return signals[0];
  return AbortSignal.any(signals);
};

export type { RemainingTime };
export { budgetSignal, currentBudget, TimeBudget, withTimeBudget };
