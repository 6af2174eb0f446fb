/**
 * Typed failures, so a page can tell "the network is down" from "WeChat refused this user" without parsing text.
 * Every error carries a `code`; `instanceof` works too (the build targets ES2017, where subclassing Error is native).
 */
type LoginErrorCode =
  /** wx.login itself failed (no network, user cancelled, …). */
  | 'wx_login_failed'
  /** This client already tried `maxLoginsPerMinute` logins in the last minute; see `retryAfterMs`. */
  | 'too_many_logins'
  /** The server's answers, from its `error` field. */
  | 'invalid_code'
  | 'user_blocked'
  | 'rate_limited'
  /** The same login code is still being exchanged by an earlier request; retried a few times before this. */
  | 'login_in_progress'
  /** The server serves several mini programs and does not know this AppID (check the `appId` option). */
  | 'unknown_app'
  | 'wechat_busy'
  | 'wechat_unavailable'
  | 'bad_request'
  /** Any other 5xx from POST /login. */
  | 'server_error'
  /** POST /login answered something this client does not understand (wrong baseUrl, a proxy page, …). */
  | 'unexpected_response';

type AuthErrorCode = LoginErrorCode | 'network_error';

/** The base of every error this client rejects with; `code` says which failure it is. */
class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** Logging in failed; `code` says why, `statusCode` is POST /login's status when the server answered. */
class LoginError extends AuthError {
  constructor(
    override readonly code: LoginErrorCode,
    message: string,
    readonly statusCode?: number,
    /** For `too_many_logins`, and answers with a Retry-After header: how long until the next login may be tried. */
    readonly retryAfterMs?: number
  ) {
    super(code, message);
    this.name = 'LoginError';
  }
}

/** wx.request failed without an HTTP answer (offline, DNS, TLS, timeout, domain not on the allow-list). */
class NetworkError extends AuthError {
  constructor(readonly errMsg: string) {
    super('network_error', `Network request failed: ${errMsg}`);
    this.name = 'NetworkError';
  }
}

/** The server's `error` values that mean something to a caller of login(). */
const serverLoginErrors: readonly LoginErrorCode[] = [
  'invalid_code',
  'user_blocked',
  'rate_limited',
  'login_in_progress',
  'unknown_app',
  'wechat_busy',
  'wechat_unavailable',
  'bad_request',
];

const loginErrorMessages: Record<LoginErrorCode, string> = {
  wx_login_failed: 'wx.login failed',
  too_many_logins: 'Too many logins in the last minute',
  invalid_code: 'The login code was refused as invalid or already used',
  user_blocked: 'WeChat blocked the login of this user',
  rate_limited: 'Login rate limit reached, try again later',
  login_in_progress: 'An earlier login with the same code is still in progress, try again shortly',
  unknown_app: 'The server does not serve this mini program (AppID)',
  wechat_busy: 'WeChat is busy, try again later',
  wechat_unavailable: 'WeChat could not be reached by the server',
  bad_request: 'The server refused the login request',
  server_error: 'The server failed to log in',
  unexpected_response: 'The login answer was not understood',
};

/**
 * The one map from a POST /login answer that is not a session to a LoginError. `retryAfterMs` is the answer's
 * Retry-After (429 rate_limited, 409 login_in_progress), when it had one.
 */
const loginErrorFromResponse = (statusCode: number, body: unknown, retryAfterMs?: number): LoginError => {
  const reported = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  const known = serverLoginErrors.find((code) => code === reported);
  const code: LoginErrorCode =
    known ?? (statusCode === 429 ? 'rate_limited' : statusCode >= 500 ? 'server_error' : 'unexpected_response');
  return new LoginError(code, loginErrorMessages[code], statusCode, retryAfterMs);
};

const loginError = (code: LoginErrorCode, detail?: string, retryAfterMs?: number): LoginError =>
  new LoginError(
    code,
    detail ? `${loginErrorMessages[code]}: ${detail}` : loginErrorMessages[code],
    undefined,
    retryAfterMs
  );

export type { AuthErrorCode, LoginErrorCode };
export { AuthError, LoginError, loginError, loginErrorFromResponse, NetworkError };
