import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { createSessionStore } from '../shared/composition-roots/sessions.js';
import { SESSION_EXPIRES_CONTEXT_KEY } from '../shared/contract/session-expiry.js';
import type { AuthorizerContext } from '../shared/http/caller.js';
import { sessionIdOf } from '../shared/http/caller.js';
import { cameThroughFrontDoor } from '../shared/http/origin-verify.js';
import { readAppIdsConfig, readSessionConfig } from '../shared/runtime/config.js';
import { metrics } from '../shared/runtime/metrics.js';
import { withTimeBudget } from '../shared/runtime/time-budget.js';
import { unionidField } from '../shared/sessions/identity.js';
import type { SessionStore } from '../shared/sessions/session-store.js';

/**
 * A simple response: the context reaches business Lambdas as `requestContext.authorizer.lambda`, and its `expiresAt`
 * reaches the client as the X-Session-Expires-At response header (contract/session-expiry.ts).
 */
type AuthorizerResult = { isAuthorized: true; context: AuthorizerContext } | { isAuthorized: false };

/**
 * The HTTP API's REQUEST authorizer (simple responses). Deliberately no middleware: it runs before every protected
 * request, so it stays a plain function. A storage failure is thrown, so API Gateway answers 500: a deny would send
 * every client into re-login at once, and an allow would let anyone in.
 */
const createHandler = (sessions: Pick<SessionStore, 'authorize'>) =>
  // Its DynamoDB calls end with the invocation's time budget: a thrown error before Lambda's own timeout.
  withTimeBudget(async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> => {
    // With the WAF front door on, a request that skipped CloudFront is refused before the session is looked at.
    if (!cameThroughFrontDoor(event)) return { isAuthorized: false };
    const sessionId = event.identitySource?.[0] ?? sessionIdOf(event);
    const caller = await sessions.authorize(sessionId, metrics.authorizerDecision);
    if (!caller) return { isAuthorized: false };
    return {
      isAuthorized: true,
      context: {
        openid: caller.openid,
        ...unionidField(caller.unionid),
        appId: caller.appId,
        [SESSION_EXPIRES_CONTEXT_KEY]: new Date(caller.expiresAt * 1000).toISOString(),
      },
    };
  });

// Sessions from before several apps name no app: they belong to the first configured AppID, the original one.
const handler = createHandler(
  createSessionStore(readSessionConfig(), { originalAppId: readAppIdsConfig().appIds[0] as string })
);

export { createHandler, handler };
