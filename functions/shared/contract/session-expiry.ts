/**
 * Every protected response tells the client when its session now ends, so a client that follows the server's
 * sliding renewals never logs in again while the session is in use. Written once for the stack, the twin and tests:
 * - the authorizer puts the expiry (ISO-8601 UTC, after this request's renewal, if any) into its context under
 *   `SESSION_EXPIRES_CONTEXT_KEY`;
 * - API Gateway copies `$context.authorizer.<key>` into the `SESSION_EXPIRES_HEADER` response header through the
 *   integration's response parameters (no business Lambda sets it); the twin does the same.
 */
const SESSION_EXPIRES_HEADER = 'X-Session-Expires-At';

/** The authorizer context key holding the session's expiry as an ISO-8601 UTC string. */
const SESSION_EXPIRES_CONTEXT_KEY = 'expiresAt';

/**
 * The integration statuses whose responses carry the header. HTTP API response parameters are keyed by status code
 * (200–599, no ranges), so the list names every status a protected route's Lambda answers: every 2xx status HTTP
 * defines (business Lambdas of other teams may answer any of them) and every status of the shared error mapper
 * (functions/shared/http). API Gateway's own denials (401/403 before any Lambda)
 * never carry it: there is no live session to report.
 */
const SESSION_EXPIRES_STATUSES: readonly number[] = [
  200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 400, 401, 403, 404, 409, 413, 429, 500, 502, 503, 504,
];

export { SESSION_EXPIRES_CONTEXT_KEY, SESSION_EXPIRES_HEADER, SESSION_EXPIRES_STATUSES };
