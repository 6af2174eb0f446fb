import type { CounterStore, LimitWindow } from '../../../functions/shared/limits/rate-limiter.js';

/**
 * CounterStore in a Map, honouring the interface's contract (add one unless the limit is reached, per subject and
 * window), so the limit rules and the handlers can be tested without a table. `failWith` makes calls reject, as a
 * DynamoDB outage would.
 */
class InMemoryCounterStore implements CounterStore {
  readonly counts = new Map<string, number>();
  readonly calls: { subject: string; window: LimitWindow; limit: number }[] = [];
  failWith: Error | undefined;

  async increment(subject: string, window: LimitWindow, limit: number): Promise<boolean> {
    this.calls.push({ subject, window, limit });
    if (this.failWith) throw this.failWith;
    const key = `${subject}#${window.start}`;
    const count = this.counts.get(key) ?? 0;
    if (count >= limit) return false;
    this.counts.set(key, count + 1);
    return true;
  }
}

export { InMemoryCounterStore };
