/** A session as this client keeps it. */
interface StoredSession {
  sessionId: string;
  /**
   * When the server said the session ends (ISO 8601, the server's clock): from the login answer, then moved forward
   * by each answer's X-Session-Expires-At as the server renews the session.
   */
  expiresAt: string;
  /**
   * The server's clock minus the device's (from the latest answer's Date header), so a phone whose clock is days off
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

export type { StoredSession };
export { isStoredSession };
