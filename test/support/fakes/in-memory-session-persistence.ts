import type {
  LoginWrite,
  SessionPersistence,
  SessionRecord,
  UserView,
} from '../../../functions/shared/sessions/session-store.js';
import type { UserRecord, UserSessionEntry } from '../../../functions/shared/users/user-record.js';

type Call =
  | { op: 'getUser'; openid: string; view: UserView }
  | { op: 'commitLogin'; write: LoginWrite }
  | { op: 'get'; key: string }
  | { op: 'getMany'; keys: readonly string[] }
  | { op: 'extend'; key: string; expiresAt: number; now: number }
  | { op: 'endSession'; openid: string; key: string; handle: string }
  | { op: 'endSessions'; openid: string; keys: readonly string[] };

const copy = <T>(value: T): T => structuredClone(value);

/**
 * SessionPersistence in Maps, honouring the interface's contract: a login's writes happen all or none and only while
 * the user record is as read (its version), a session key is never overwritten, extend never creates a record and only
 * moves a live record's expiry forward. Every call is recorded; `failWith` makes the next calls reject, as a DynamoDB
 * outage would; `beforeExtend` / `beforeCommit` run just before those writes, to stage races.
 */
class InMemorySessionPersistence implements SessionPersistence {
  readonly records = new Map<string, SessionRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly calls: Call[] = [];
  failWith: Error | undefined;
  beforeExtend: (() => void) | undefined;
  beforeCommit: (() => void) | undefined;

  async getUser(openid: string, view: UserView = 'login'): Promise<UserRecord | undefined> {
    this.calls.push({ op: 'getUser', openid, view });
    this.throwIfFailing();
    const user = this.users.get(openid);
    if (!user) return undefined;
    const { sessionKey: _key, keyIssuedAtMs: _at, keyExpiresAt: _exp, ...withoutKey } = copy(user);
    return view === 'login' ? copy(user) : withoutKey;
  }

  async commitLogin(write: LoginWrite): Promise<boolean> {
    this.calls.push({ op: 'commitLogin', write: copy(write) });
    this.beforeCommit?.();
    this.throwIfFailing();
    if (!this.unchanged(write.user.openid, write.expected)) return false;
    if (this.records.has(write.session.key)) throw new Error('record already exists');
    this.records.set(write.session.key, copy(write.session));
    for (const key of write.evictedKeys) this.records.delete(key);
    this.users.set(write.user.openid, copy(write.user));
    return true;
  }

  async get(key: string): Promise<SessionRecord | undefined> {
    this.calls.push({ op: 'get', key });
    this.throwIfFailing();
    const record = this.records.get(key);
    return record ? copy(record) : undefined;
  }

  async getMany(keys: readonly string[]): Promise<SessionRecord[]> {
    this.calls.push({ op: 'getMany', keys: [...keys] });
    this.throwIfFailing();
    return keys.flatMap((key) => {
      const record = this.records.get(key);
      return record ? [copy(record)] : [];
    });
  }

  async extend(key: string, expiresAt: number, now: number): Promise<boolean> {
    this.calls.push({ op: 'extend', key, expiresAt, now });
    this.beforeExtend?.();
    this.throwIfFailing();
    const record = this.records.get(key);
    if (!record || record.expiresAt <= now || record.expiresAt >= expiresAt) return false;
    record.expiresAt = expiresAt;
    return true;
  }

  async endSession(openid: string, entry: Pick<UserSessionEntry, 'key' | 'handle'>): Promise<void> {
    this.calls.push({ op: 'endSession', openid, ...entry });
    this.throwIfFailing();
    this.records.delete(entry.key);
    const user = this.users.get(openid);
    if (user) {
      user.sessions = user.sessions.filter((candidate) => candidate.handle !== entry.handle);
      user.version = (user.version ?? 0) + 1;
    }
  }

  async endSessions(openid: string, keys: readonly string[], expected: UserRecord | undefined): Promise<boolean> {
    this.calls.push({ op: 'endSessions', openid, keys: [...keys] });
    this.throwIfFailing();
    if (expected && !this.unchanged(openid, expected)) return false;
    for (const key of keys) this.records.delete(key);
    const user = this.users.get(openid);
    if (expected && user) {
      user.sessions = [];
      user.version = (expected.version ?? 0) + 1;
    }
    return true;
  }

  ops(): string[] {
    return this.calls.map((call) => call.op);
  }

  private unchanged(openid: string, expected: UserRecord | undefined): boolean {
    const current = this.users.get(openid);
    return expected === undefined
      ? current === undefined
      : current !== undefined && current.version === expected.version;
  }

  private throwIfFailing(): void {
    if (this.failWith) throw this.failWith;
  }
}

export { InMemorySessionPersistence };
