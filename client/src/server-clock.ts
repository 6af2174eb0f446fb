import type { StoredSession } from './session.js';
import { headerValue } from './transport.js';

/** The header every protected answer carries: the session's expiry after that request (ISO-8601 UTC). */
const SESSION_EXPIRES_HEADER = 'X-Session-Expires-At';

/**
 * A Date header has 1 s resolution and includes the time in transit, so differences below this are noise: only a
 * device clock that is really wrong gets corrected.
 */
const MIN_CLOCK_CORRECTION_MS = 30_000;

/**
 * Server clock minus device clock, from an answer's Date header: 0 when the clocks agree, undefined when the answer
 * has no usable Date header.
 */
const clockOffset = (header: Record<string, unknown>, deviceNow: number): number | undefined => {
  const date = headerValue(header, 'date');
  const offset = date === undefined ? Number.NaN : Date.parse(date) - deviceNow;
  if (Number.isNaN(offset)) return undefined;
  return Math.abs(offset) < MIN_CLOCK_CORRECTION_MS ? 0 : offset;
};

/**
 * `session` as the server now sees it, after an answer to a request that carried it: the expiry moved to
 * X-Session-Expires-At when that is later (a sliding renewal), the clock offset taken from the Date header. Undefined
 * when nothing changed. Never moves the expiry back: answers can arrive out of order.
 */
const followServer = (
  session: StoredSession,
  header: Record<string, unknown>,
  deviceNow: number
): StoredSession | undefined => {
  const reported = headerValue(header, SESSION_EXPIRES_HEADER);
  const later = reported !== undefined && Date.parse(reported) > Date.parse(session.expiresAt);
  const offset = clockOffset(header, deviceNow) ?? session.clockOffsetMs;
  if (!later && offset === session.clockOffsetMs) return undefined;
  return { ...session, expiresAt: later ? (reported as string) : session.expiresAt, clockOffsetMs: offset };
};

/** True once the server's clock has reached expiresAt, as far as this device can tell. */
const isExpired = (session: StoredSession, deviceNow: number): boolean =>
  deviceNow + session.clockOffsetMs >= Date.parse(session.expiresAt);

export { clockOffset, followServer, isExpired };
