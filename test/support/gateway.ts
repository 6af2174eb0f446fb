import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SESSION_HEADER } from '../../functions/shared/contract/routes.js';
import type { AuthorizerContext } from '../../functions/shared/http/caller.js';
import { authorizerEvent, httpEvent, lambdaContext } from './events.js';
import type { LambdaHandler } from './handlers.js';

interface GatewayReply {
  status: number | undefined;
  /** The parsed JSON body; undefined when there is none (a deny, a 204). */
  body: Record<string, unknown> | undefined;
}

/**
 * One protected request as API Gateway serves it, for handlers called in-process: the authorizer first, then, on an
 * allow, the route's function with the authorizer's context as `requestContext.authorizer.lambda`. A deny is API
 * Gateway's 403, which has no body the tests look at.
 *
 * @example
 * const { status, body } = await throughGateway(handlers.authorizer, { fn: 'me', handler: handlers.me }, {
 *   method: 'GET', path: '/me', sessionId,
 * });
 */
const throughGateway = async (
  authorizer: LambdaHandler,
  route: { fn: string; handler: LambdaHandler },
  request: { method: string; path: string; sessionId: string; body?: unknown; pathParameters?: Record<string, string> }
): Promise<GatewayReply> => {
  const { method, path, sessionId } = request;
  const decision = (await authorizer(authorizerEvent({ sessionId, method, path }), lambdaContext('authorizer'))) as {
    isAuthorized: boolean;
    context?: AuthorizerContext;
  };
  if (!decision.isAuthorized) return { status: 403, body: undefined };
  const event = httpEvent({
    method,
    path,
    headers: { [SESSION_HEADER]: sessionId },
    authorizerContext: decision.context!,
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
  });
  const response = (await route.handler(event, lambdaContext(route.fn))) as APIGatewayProxyStructuredResultV2;
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
};

export type { GatewayReply };
export { throughGateway };
