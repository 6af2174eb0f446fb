/**
 * Typed failures. Domain modules throw these; `http.ts` is the one place that turns a code into an HTTP status.
 * `message` is safe to show a client: it never carries a secret, a session id or WeChat's raw reply.
 */
type ErrorCode =
  | 'bad_request'
  | 'payload_too_large'
  | 'invalid_code'
  | 'user_blocked'
  | 'rate_limited'
  | 'wechat_busy'
  | 'wechat_unavailable'
  | 'wechat_misconfigured'
  | 'decrypt_failed'
  | 'invalid_phone_code'
  | 'not_found'
  | 'login_in_progress'
  | 'service_unavailable'
  | 'unknown_app'
  | 'internal_error';

/**
 * A failure the client is told about as `{error: code, message}`; the HTTP status comes from `code` in http.ts.
 *
 * @example
 * throw new AppError('payload_too_large', 'The request body must be at most 16384 bytes');
 */
class AppError extends Error {
  /** What operators need in the log line (never a secret or a token); never sent to the client. */
  readonly logDetails: Record<string, unknown>;
  /** Sent as the `Retry-After` header (seconds) when set: when the client may try again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; logDetails?: Record<string, unknown>; retryAfterSeconds?: number }
  ) {
    super(message, options);
    this.name = 'AppError';
    this.logDetails = options?.logDetails ?? {};
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** A request body the route cannot use; routes may answer it under their own code (see http.ts `badInputAs`). */
class BadRequestError extends AppError {
  constructor(message: string) {
    super('bad_request', message);
    this.name = 'BadRequestError';
  }
}

/**
 * A limit was reached (ours, or WeChat's per-user quota): 429, with `Retry-After` when we know how long to wait.
 *
 * @example
 * throw new RateLimitedError('Too many requests; try again in 12 seconds', 12);
 */
class RateLimitedError extends AppError {
  constructor(
    message: string,
    /** Whole seconds until the client may try again: the response's `Retry-After` header. */
    retryAfterSeconds?: number,
    options?: { cause?: unknown; logDetails?: Record<string, unknown> }
  ) {
    super('rate_limited', message, { ...options, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
    this.name = 'RateLimitedError';
  }
}

export type { ErrorCode };
export { AppError, BadRequestError, RateLimitedError };
