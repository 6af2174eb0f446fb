import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { AuthorizerContext } from '../shared/http/caller.js';
import { sessionIdOf } from '../shared/http/caller.js';
import { readSessionConfig } from '../shared/runtime/config.js';
import type { SessionStore } from '../shared/sessions/session-store.js';
import { createSessionStore } from '../shared/composition-roots/sessions.js';

/** A simple response: the context reaches business Lambdas as `requestContext.authorizer.lambda`. */
type AuthorizerResult = { isAuthorized: true; context: AuthorizerContext } | { isAuthorized: false };

/**
 * The HTTP API's REQUEST authorizer (simple responses). Deliberately no middleware: it runs before every protected
 * request, so it stays a plain function. A storage failure is thrown, so API Gateway answers 500: a deny would send
 * every client into re-login at once, and an allow would let anyone in.
 */
const createHandler =
  (sessions: Pick<SessionStore, 'authorize'>) =>
  async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> => {
    const sessionId = event.identitySource?.[0] ?? sessionIdOf(event);
    const caller = await sessions.authorize(sessionId);
    if (!caller) return { isAuthorized: false };
    return {
      isAuthorized: true,
      context: { openid: caller.openid, ...(caller.unionid ? { unionid: caller.unionid } : {}) },
    };
  };

const handler = createHandler(createSessionStore(readSessionConfig()));

export { createHandler, handler };
