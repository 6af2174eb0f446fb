import {
  SESSION_EXPIRES_CONTEXT_KEY,
  SESSION_EXPIRES_HEADER,
  SESSION_EXPIRES_STATUSES,
} from '../../functions/shared/contract/session-expiry.js';
import type { HttpAnswer } from './api-gateway.js';

/**
 * The twin's copy of the stack's response parameter mapping (infra/constructs/session-expiry-header.ts): on a
 * protected route, an answer whose status is in SESSION_EXPIRES_STATUSES gets X-Session-Expires-At from the
 * authorizer's context, overwriting any spelling of that header the Lambda set. Open routes (no context) and
 * other statuses pass unchanged.
 */
const withSessionExpiryHeader = (reply: HttpAnswer, authorizerContext?: Record<string, unknown>): HttpAnswer => {
  const expiresAt = authorizerContext?.[SESSION_EXPIRES_CONTEXT_KEY];
  if (typeof expiresAt !== 'string' || !SESSION_EXPIRES_STATUSES.includes(reply.statusCode)) return reply;
  const wanted = SESSION_EXPIRES_HEADER.toLowerCase();
  const headers = Object.fromEntries(Object.entries(reply.headers).filter(([name]) => name.toLowerCase() !== wanted));
  return { ...reply, headers: { ...headers, [SESSION_EXPIRES_HEADER]: expiresAt } };
};

export { withSessionExpiryHeader };
