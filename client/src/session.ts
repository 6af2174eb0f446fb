/** A session as this client keeps it. */
interface StoredSession {
  sessionId: string;
  /** When the server said the session ends (ISO 8601, the server's clock). */
  expiresAt: string;
  /**
   * The server's clock minus the device's at login (from the Date header), so a phone whose clock is days off
   * neither throws away good sessions nor keeps dead ones.
   */
  clockOffsetMs: number;
}

const isStoredSession = (value: unknown): value is StoredSession => {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<StoredSession>;
  return (
    typeof candidate.sessionId === 'string' &&
    candidate.sessionId !== '' &&
    typeof candidate.expiresAt === 'string' &&
    !Number.isNaN(Date.parse(candidate.expiresAt)) &&
    typeof candidate.clockOffsetMs === 'number' &&
    Number.isFinite(candidate.clockOffsetMs)
  );
};

/** True once the server's clock has reached expiresAt, as far as this device can tell. */
const isExpired = (session: StoredSession, deviceNow: number): boolean =>
  deviceNow + session.clockOffsetMs >= Date.parse(session.expiresAt);

export type { StoredSession };
export { isExpired, isStoredSession };
