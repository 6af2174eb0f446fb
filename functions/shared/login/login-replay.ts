import { randomUUID } from 'node:crypto';
import { defaults } from '../contract/defaults.js';
import { AppError } from '../http/errors.js';
import { logger } from '../runtime/logger.js';
import { currentBudget } from '../runtime/time-budget.js';
import { openReply, replayKeysOf, sealReply } from './replay-crypto.js';

/** What login answers: our session id and its expiry (ISO-8601), plus whatever else the reply carries. */
interface LoginReply {
  sessionId: string;
  expiresAt: string;
  [field: string]: unknown;
}

/**
 * One code's replay record: `pending` while its first request talks to WeChat (`owner` holds it until `leaseUntil`,
 * epoch ms), then `done` with the reply sealed under the code's key. `expiresAt` (epoch s) ends it (table TTL).
 */
interface ReplayRecord {
  state: 'pending' | 'done';
  owner: string;
  leaseUntil: number;
  expiresAt: number;
  sealed?: string;
}

/**
 * Storage behind the replay rules: only the database is spoken there. Every write is conditional, so two requests
 * with one code can never both own it.
 */
interface LoginReplayPersistence {
  /**
   * Writes a pending record for `id` owned by `record.owner` unless a live one exists: none, expired (`expiresAt`
   * before `nowMs`), or pending with its lease run out. Returns undefined when the claim succeeded, else the record
   * that stood in the way.
   */
  claim(id: string, record: ReplayRecord, nowMs: number): Promise<ReplayRecord | undefined>;
  /** Strongly consistent read. */
  read(id: string): Promise<ReplayRecord | undefined>;
  /** Stores the sealed reply, marking the record done, only while `owner` still holds it pending. */
  complete(id: string, owner: string, sealed: string): Promise<void>;
  /** Deletes the record if `owner` still holds it pending: a failed login leaves the code as it was. */
  release(id: string, owner: string): Promise<void>;
}

interface LoginReplayOptions {
  /** The per-app salt of the code's keys. */
  appId: string;
  /** Whether the session of a reply still lives; a replay of a logged-out or expired session is refused. */
  isLive: (sessionId: string) => Promise<boolean>;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const loginInProgress = () =>
  new AppError('login_in_progress', 'A login with this code is still in progress; retry in a second', {
    retryAfterSeconds: 1,
  });

const spentCode = () => new AppError('invalid_code', 'The login code was already used; call wx.login() again');

/**
 * Replay-safe login: the same wx.login() code sent again within defaults.loginReplaySeconds (a retry after a lost
 * reply) gets the same reply, with no second code2Session call, as long as its session lives. The reply is stored
 * only sealed under a key derived from the code (replay-crypto.ts), in a record keyed by another derivation of it.
 * Concurrent requests with one code: the first claims the record (a conditional write) and logs in; the others wait
 * for its reply within their time budget, or answer 409 `login_in_progress` (Retry-After: 1).
 *
 * @example
 * const replay = new LoginReplay(persistence, { appId, isLive: async (id) => (await sessions.find(id)) !== undefined });
 * const reply = await replay.run(code, () => exchangeAndCreateSession(code));
 */
class LoginReplay {
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly persistence: LoginReplayPersistence,
    private readonly options: LoginReplayOptions
  ) {
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async run(code: string, login: () => Promise<LoginReply>): Promise<LoginReply> {
    const { lookupId, key } = replayKeysOf(code, this.options.appId);
    const owner = randomUUID();
    const waitUntil = this.waitDeadline();
    for (;;) {
      const blocking = await this.persistence.claim(lookupId, this.pendingRecord(owner), this.clock());
      if (!blocking) return this.loginAsOwner(lookupId, owner, key, login);
      const settled = blocking.state === 'done' ? blocking : await this.waitForOwner(lookupId, waitUntil);
      if (settled) return this.replay(settled, key);
      // Released (its login failed) or its lease ran out: claim it ourselves, while there is time.
      if (this.clock() >= waitUntil) throw loginInProgress();
    }
  }

  /** Ours: log in, then keep the reply sealed for a retry; on failure leave the code as it was. */
  private async loginAsOwner(id: string, owner: string, key: Buffer, login: () => Promise<LoginReply>) {
    let reply: LoginReply;
    try {
      reply = await login();
    } catch (error) {
      await this.persistence.release(id, owner).catch((releaseError: unknown) => {
        logger.warn('could not release a login code record', { error: releaseError as Error });
      });
      throw error;
    }
    try {
      await this.persistence.complete(id, owner, sealReply(reply, key));
    } catch (error) {
      // The login itself succeeded: answer it; only a retry of this code loses its replay.
      logger.warn('could not keep the login reply for a retry', { error: error as Error });
    }
    return reply;
  }

  /**
   * Polls while another request owns the code: its record once done, undefined once it is gone or its lease ran
   * out (so we may claim it), or 409 when our wait is over first.
   */
  private async waitForOwner(id: string, waitUntil: number): Promise<ReplayRecord | undefined> {
    for (;;) {
      if (this.clock() + defaults.loginReplayPollMs > waitUntil) throw loginInProgress();
      await this.sleep(defaults.loginReplayPollMs);
      const record = await this.persistence.read(id);
      const now = this.clock();
      if (!record || record.expiresAt * 1000 <= now) return undefined;
      if (record.state === 'done') return record;
      if (record.leaseUntil <= now) return undefined;
    }
  }

  private async replay(record: ReplayRecord, key: Buffer): Promise<LoginReply> {
    let reply: LoginReply;
    try {
      reply = openReply(record.sealed ?? '', key) as LoginReply;
    } catch {
      throw spentCode();
    }
    if (typeof reply?.sessionId !== 'string' || !(await this.options.isLive(reply.sessionId))) throw spentCode();
    logger.info('login replayed for a retried code');
    return reply;
  }

  /** Our pending record: held for as long as this invocation may run, kept for the replay window. */
  private pendingRecord(owner: string): ReplayRecord {
    const now = this.clock();
    const budget = currentBudget();
    return {
      state: 'pending',
      owner,
      leaseUntil: budget ? budget.deadline : now + defaults.loginReplayMaxWaitMs,
      expiresAt: Math.floor(now / 1000) + defaults.loginReplaySeconds,
    };
  }

  /** How long a request may wait for another's login: its budget, less what answering needs. */
  private waitDeadline(): number {
    const budget = currentBudget();
    return budget
      ? budget.deadline - defaults.loginReplayAnswerReserveMs
      : this.clock() + defaults.loginReplayMaxWaitMs;
  }
}

export type { LoginReplayOptions, LoginReplayPersistence, LoginReply, ReplayRecord };
export { LoginReplay };
