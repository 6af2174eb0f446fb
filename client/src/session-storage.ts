import { isStoredSession, type StoredSession } from './session.js';
import type { WxLike } from './wx.js';

/**
 * The session in wx storage (mini programs have no cookies). Storage calls can throw (quota, a corrupted entry);
 * a session that could not be written is kept in memory for this launch rather than lost.
 */
class SessionStorage {
  private unsaved: StoredSession | undefined;

  constructor(
    private readonly api: () => WxLike,
    private readonly key: string
  ) {}

  load(): StoredSession | undefined {
    let stored: unknown;
    try {
      stored = this.api().getStorageSync(this.key);
    } catch {
      stored = undefined;
    }
    // wx answers '' for a missing key; anything else that is not a session is a leftover and is ignored.
    return isStoredSession(stored) ? stored : this.unsaved;
  }

  save(session: StoredSession): void {
    try {
      this.api().setStorageSync(this.key, session);
      this.unsaved = undefined;
    } catch {
      this.unsaved = session;
    }
  }

  clear(): void {
    this.unsaved = undefined;
    try {
      this.api().removeStorageSync(this.key);
    } catch {
      // Nothing more to do: a later load still validates what it finds, and the server refuses a dead session.
    }
  }

  /**
   * Clears the session only if it is still `sessionId`: a newer one saved by a concurrent login is kept. Says whether
   * it cleared.
   */
  clearIf(sessionId: string): boolean {
    if (this.load()?.sessionId !== sessionId) return false;
    this.clear();
    return true;
  }

  /** Saves `session` only if the stored session is still the same one (a newer login's session is kept). */
  replaceIf(session: StoredSession): void {
    if (this.load()?.sessionId === session.sessionId) this.save(session);
  }
}

export { SessionStorage };
