import { loginError, loginErrorFromResponse } from './errors.js';
import type { StoredSession } from './session.js';
import { headerValue, send } from './transport.js';
import { type WxLike, wxLogin } from './wx.js';

/** wx.login, then POST the code to the login route: a fresh session, or a LoginError / NetworkError saying why not. */
const logIn = async (api: WxLike, loginUrl: string, deviceNow: () => number): Promise<StoredSession> => {
  let code: string;
  try {
    code = await wxLogin(api);
  } catch (error) {
    throw loginError('wx_login_failed', (error as { errMsg?: string } | undefined)?.errMsg);
  }
  const response = await send(api, {
    url: loginUrl,
    method: 'POST',
    data: { code },
    header: { 'content-type': 'application/json' },
  });
  const body = parseJson(response.data);
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw loginErrorFromResponse(response.statusCode, body);
  }
  const { sessionId, expiresAt } = (body ?? {}) as { sessionId?: unknown; expiresAt?: unknown };
  if (
    typeof sessionId !== 'string' ||
    sessionId === '' ||
    typeof expiresAt !== 'string' ||
    Number.isNaN(Date.parse(expiresAt))
  ) {
    throw loginError('unexpected_response', `status ${response.statusCode} without a session`);
  }
  return { sessionId, expiresAt, clockOffsetMs: clockOffset(response.header, deviceNow()) };
};

/** wx.request parses JSON only when it can; a body that arrives as text is given one more try here. */
const parseJson = (data: unknown): unknown => {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
};

/**
 * A Date header has 1 s resolution and includes the time in transit, so differences below this are noise: only a
 * device clock that is really wrong gets corrected.
 */
const MIN_CLOCK_CORRECTION_MS = 30_000;

/** Server clock minus device clock, from the answer's Date header; 0 when there is none or the clocks agree. */
const clockOffset = (header: Record<string, unknown>, deviceNow: number): number => {
  const date = headerValue(header, 'date');
  const offset = date === undefined ? Number.NaN : Date.parse(date) - deviceNow;
  return Number.isNaN(offset) || Math.abs(offset) < MIN_CLOCK_CORRECTION_MS ? 0 : offset;
};

export { logIn };
