import { loginError, loginErrorFromResponse } from './errors.js';
import { clockOffset } from './server-clock.js';
import type { StoredSession } from './session.js';
import { type AuthResponse, parseJson, retryAfterMs, send } from './transport.js';
import { type WxLike, wxLogin } from './wx.js';

/** What a login needs: the wx API, the login route's URL, the AppID to send (if known) and the device clock. */
interface LoginTarget {
  api: WxLike;
  url: string;
  appId: string | undefined;
  deviceNow: () => number;
}

/**
 * A 409 `login_in_progress` means an earlier request with the same code is still talking to WeChat (a retry after a
 * lost reply, say): the same code is sent again after Retry-After, and the server then answers that login's session.
 * At most this many attempts in all, each wait at most MAX_RETRY_WAIT_MS.
 */
const LOGIN_IN_PROGRESS_ATTEMPTS = 4;
const DEFAULT_RETRY_WAIT_MS = 1000;
const MAX_RETRY_WAIT_MS = 5000;

/** wx.login, then POST the code to the login route: a fresh session, or a LoginError / NetworkError saying why not. */
const logIn = async (target: LoginTarget): Promise<StoredSession> => {
  const code = await codeFromWx(target.api);
  const response = await postCode(target, code);
  const body = parseJson(response.data);
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw loginErrorFromResponse(response.statusCode, body, retryAfterMs(response.header));
  }
  return sessionFrom(response, body, target.deviceNow());
};

const codeFromWx = async (api: WxLike): Promise<string> => {
  try {
    return await wxLogin(api);
  } catch (error) {
    throw loginError('wx_login_failed', (error as { errMsg?: string } | undefined)?.errMsg);
  }
};

/** POST /login with `code`, sent again (same code) while the server answers 409 login_in_progress. */
const postCode = async (target: LoginTarget, code: string): Promise<AuthResponse> => {
  const data = target.appId ? { code, appId: target.appId } : { code };
  for (let attempt = 1; ; attempt += 1) {
    const response = await send(target.api, {
      url: target.url,
      method: 'POST',
      data,
      header: { 'content-type': 'application/json' },
    });
    if (!isLoginInProgress(response) || attempt >= LOGIN_IN_PROGRESS_ATTEMPTS) return response;
    await sleep(Math.min(retryAfterMs(response.header) ?? DEFAULT_RETRY_WAIT_MS, MAX_RETRY_WAIT_MS));
  }
};

const isLoginInProgress = (response: AuthResponse): boolean => {
  const body = parseJson(response.data);
  return response.statusCode === 409 && (body as { error?: unknown } | null)?.error === 'login_in_progress';
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The session in a 2xx login answer, or LoginError `unexpected_response` when there is none. */
const sessionFrom = (response: AuthResponse, body: unknown, deviceNow: number): StoredSession => {
  const { sessionId, expiresAt } = (body ?? {}) as { sessionId?: unknown; expiresAt?: unknown };
  if (
    typeof sessionId !== 'string' ||
    sessionId === '' ||
    typeof expiresAt !== 'string' ||
    Number.isNaN(Date.parse(expiresAt))
  ) {
    throw loginError('unexpected_response', `status ${response.statusCode} without a session`);
  }
  return { sessionId, expiresAt, clockOffsetMs: clockOffset(response.header, deviceNow) ?? 0 };
};

export type { LoginTarget };
export { logIn };
