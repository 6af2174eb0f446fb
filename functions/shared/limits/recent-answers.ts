import { type Clock, systemClock } from '../runtime/clock.js';
import { logger } from '../runtime/logger.js';
import { refuse } from './rate-limiter.js';

/**
 * The last answer to a question about a subject: what was asked (`fingerprint`), until when it stands (epoch
 * milliseconds), and the answer once it arrived (absent while the asking call is still waiting, or if it failed).
 */
interface RecentAnswer {
  fingerprint: string;
  until: number;
  answer?: boolean;
}

/**
 * Where recent answers live, one entry per subject. `claim` is one conditional write: it succeeds only when no
 * answer to the same question still stands, so concurrent callers cannot both ask. Failures other than a refused
 * claim throw: the caller then refuses the request (fail closed).
 */
interface RecentAnswerStore {
  /** Strongly consistent read of the subject's entry. */
  get(subject: string): Promise<RecentAnswer | undefined>;
  /** Takes the window until `until` for `fingerprint`, unless an entry for the same fingerprint stands at `now`. */
  claim(subject: string, fingerprint: string, now: number, until: number): Promise<boolean>;
  /** Stores the answer in the entry `claim` made, if that claim is still the entry. */
  record(subject: string, claim: { fingerprint: string; until: number }, answer: boolean): Promise<void>;
}

interface RecentAnswersRule {
  /** For logs and the refusal message. */
  readonly name: string;
  readonly windowSeconds: number;
}

/**
 * Asks a costly question (a billed or quota-limited WeChat call) at most once per subject per window: calls within
 * the window get the stored answer. A new question (a different fingerprint: e.g. the user logged in again and has a
 * new session_key) is asked at once. While the first call of a window is still waiting for its answer, or if it
 * failed, other calls in that window are refused with 429 and `Retry-After` until the window ends: never a second ask.
 *
 * @example
 * const checks = new RecentAnswers(store, { name: 'session_key_check_per_user', windowSeconds: 60 });
 * const valid = await checks.answer(openid, fingerprint, () => wechat.checkSessionKey(...));
 */
class RecentAnswers {
  constructor(
    private readonly store: RecentAnswerStore,
    readonly rule: RecentAnswersRule,
    private readonly clock: Clock = systemClock
  ) {}

  async answer(subject: string, fingerprint: string, ask: () => Promise<boolean>): Promise<boolean> {
    const now = this.clock();
    const recent = await this.store.get(subject);
    if (this.stands(recent, fingerprint, now)) return this.reuse(recent, now);
    const claim = { fingerprint, until: now + this.rule.windowSeconds * 1000 };
    if (!(await this.store.claim(subject, fingerprint, now, claim.until))) {
      // Another call claimed this window between our read and our claim.
      const latest = await this.store.get(subject);
      return this.reuse(this.stands(latest, fingerprint, now) ? latest : claim, now);
    }
    const answer = await ask();
    // The answer is ours either way; if it cannot be stored, the claim still stands and later calls in this window
    // are refused rather than asked again.
    await this.store.record(subject, claim, answer).catch((error: unknown) => {
      logger.warn('could not store the answer', { limit: this.rule.name, error: error as Error });
    });
    return answer;
  }

  private stands(recent: RecentAnswer | undefined, fingerprint: string, now: number): recent is RecentAnswer {
    return recent !== undefined && recent.fingerprint === fingerprint && now < recent.until;
  }

  private reuse(recent: RecentAnswer, now: number): boolean {
    if (recent.answer !== undefined) return recent.answer;
    return refuse(this.rule.name, Math.max(1, Math.ceil((recent.until - now) / 1000)));
  }
}

export type { RecentAnswer, RecentAnswerStore, RecentAnswersRule };
export { RecentAnswers };
