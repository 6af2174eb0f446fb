import type { RecentAnswer, RecentAnswerStore } from '../../../functions/shared/limits/recent-answers.js';

/**
 * RecentAnswerStore in a Map, honouring the interface's conditions (a claim only when no entry for the same
 * fingerprint stands; an answer only into the claim that asked), so the rules can be tested without a table. Each
 * operation yields to the event loop first, as a network call would; `failWith` makes calls reject.
 */
class InMemoryRecentAnswerStore implements RecentAnswerStore {
  readonly entries = new Map<string, RecentAnswer>();
  failWith: Error | undefined;

  async get(subject: string): Promise<RecentAnswer | undefined> {
    await this.tick();
    const entry = this.entries.get(subject);
    return entry ? { ...entry } : undefined;
  }

  async claim(subject: string, fingerprint: string, now: number, until: number): Promise<boolean> {
    await this.tick();
    const entry = this.entries.get(subject);
    if (entry && entry.until > now && entry.fingerprint === fingerprint) return false;
    this.entries.set(subject, { fingerprint, until });
    return true;
  }

  async record(subject: string, claim: { fingerprint: string; until: number }, answer: boolean): Promise<void> {
    await this.tick();
    const entry = this.entries.get(subject);
    if (entry?.fingerprint === claim.fingerprint && entry.until === claim.until) entry.answer = answer;
  }

  private async tick(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failWith) throw this.failWith;
  }
}

export { InMemoryRecentAnswerStore };
