import type { SessionPersistence, SessionRecord } from '../../../functions/shared/sessions/session-store.js';

type Call =
  | { op: 'put'; record: SessionRecord }
  | { op: 'get'; key: string }
  | { op: 'extend'; key: string; expiresAt: number; now: number }
  | { op: 'delete'; key: string };

/**
 * SessionPersistence in a Map, honouring the interface's contract (put refuses an existing key; extend never
 * creates a record and only moves a live record's expiry forward), so SessionStore's rules can be tested without
 * a table. Every call is recorded; `failWith` makes the next calls reject, as a DynamoDB outage would.
 */
class InMemorySessionPersistence implements SessionPersistence {
  readonly records = new Map<string, SessionRecord>();
  readonly calls: Call[] = [];
  failWith: Error | undefined;
  /** Runs between the read and the renewal, to stage races (a logout landing in between). */
  beforeExtend: (() => void) | undefined;

  async put(record: SessionRecord): Promise<void> {
    this.calls.push({ op: 'put', record: { ...record } });
    this.throwIfFailing();
    if (this.records.has(record.key)) throw new Error('record already exists');
    this.records.set(record.key, { ...record });
  }

  async get(key: string): Promise<SessionRecord | undefined> {
    this.calls.push({ op: 'get', key });
    this.throwIfFailing();
    const record = this.records.get(key);
    return record ? { ...record } : undefined;
  }

  async extend(key: string, expiresAt: number, now: number): Promise<SessionRecord | undefined> {
    this.calls.push({ op: 'extend', key, expiresAt, now });
    this.beforeExtend?.();
    this.throwIfFailing();
    const record = this.records.get(key);
    if (!record) return undefined;
    if (record.expiresAt > now && record.expiresAt < expiresAt) record.expiresAt = expiresAt;
    return { ...record };
  }

  async delete(key: string): Promise<void> {
    this.calls.push({ op: 'delete', key });
    this.throwIfFailing();
    this.records.delete(key);
  }

  ops(): string[] {
    return this.calls.map((call) => call.op);
  }

  private throwIfFailing(): void {
    if (this.failWith) throw this.failWith;
  }
}

export { InMemorySessionPersistence };
