import { type AuthResponse, parseJson } from './transport.js';

/** API Gateway's own answers when the authorizer refuses: no session sent (401), or a session it does not know (403). */
const GATEWAY_DENIALS: Readonly<Record<number, string>> = { 401: 'Unauthorized', 403: 'Forbidden' };

/**
 * True only for API Gateway's own denials, `401 {"message":"Unauthorized"}` and `403 {"message":"Forbidden"}`: the
 * session is dead. A business 401/403 (`{"error": ..., "message": ...}` from a route's Lambda) is the caller's to
 * handle: treating it as a dead session would log in again (rotating the session_key) and replay the request.
 */
const isGatewayDenial = (response: AuthResponse<unknown>): boolean => {
  const expected = GATEWAY_DENIALS[response.statusCode];
  if (expected === undefined) return false;
  const body = parseJson(response.data);
  if (typeof body !== 'object' || body === null || 'error' in body) return false;
  return (body as { message?: unknown }).message === expected;
};

export { isGatewayDenial };
