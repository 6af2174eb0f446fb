import type { APIGatewayProxyEventV2WithLambdaAuthorizer } from 'aws-lambda';
import { ORIGIN_VERIFY_STAGE_VARIABLE, VIEWER_ADDRESS_HEADER } from '../contract/front-door.js';
import { SESSION_HEADER } from '../contract/routes.js';
import { type CallerIdentity, unionidField } from '../sessions/identity.js';
import { AppError } from './errors.js';
import { cameThroughFrontDoor, type OriginEvent } from './origin-verify.js';

/**
 * The authorizer's context as API Gateway hands it to business Lambdas (`requestContext.authorizer.lambda`).
 * unionid is absent when WeChat sent none (HTTP API simple responses may carry any JSON value in the context; only
 * REST API authorizers are limited to strings, numbers and booleans; ours holds strings). `expiresAt` is when the
 * caller's session ends after this request (ISO-8601 UTC); API Gateway also sends it to the client as the
 * `X-Session-Expires-At` response header, so a business Lambda never needs to (always set by our authorizer;
 * optional in the type because no business Lambda needs it). `appId` is the mini program the session was created for.
 */
type AuthorizerContext = { openid: string; unionid?: string; appId: string; expiresAt?: string };
type AuthorizedEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;

const isNonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Who is calling. Throws (500) if the route was deployed without the authorizer: a wiring bug, not a user error. */
const callerOf = (event: AuthorizedEvent): CallerIdentity => {
  const context = event.requestContext?.authorizer?.lambda;
  if (!context || !isNonEmpty(context.openid) || !isNonEmpty(context.appId)) {
    throw new AppError('internal_error', 'The route has no authorizer context');
  }
  return { openid: context.openid, ...unionidField(context.unionid), appId: context.appId };
};

/** The raw session id of an authorized request (payload 2.0 lower-cases header names). */
const sessionIdOf = (event: { headers?: Record<string, string | undefined> }): string | undefined =>
  event.headers?.[SESSION_HEADER.toLowerCase()];

/**
 * The client's IP address: API Gateway's `requestContext.http.sourceIp` (the TCP peer), or, on a request that came
 * through the CloudFront front door (origin check passed), the viewer's address the front door's CloudFront Function
 * sets in X-Viewer-Address, overwriting anything the client sent (behind CloudFront the TCP peer is CloudFront).
 * Never a header a client can set. Throws (500) when absent, so a per-IP limit can never be skipped.
 */
type AddressedEvent = OriginEvent & { requestContext?: { http?: { sourceIp?: string } } };

const clientAddressOf = (event: AddressedEvent): string | undefined => {
  if (event.stageVariables?.[ORIGIN_VERIFY_STAGE_VARIABLE] === undefined) return event.requestContext?.http?.sourceIp;
  return cameThroughFrontDoor(event) ? event.headers?.[VIEWER_ADDRESS_HEADER.toLowerCase()] : undefined;
};

const sourceIpOf = (event: AddressedEvent): string => {
  const sourceIp = clientAddressOf(event);
  if (typeof sourceIp !== 'string' || sourceIp === '') {
    throw new AppError('internal_error', 'The request has no source IP');
  }
  return sourceIp;
};

export type { AuthorizedEvent, AuthorizerContext };
export { callerOf, sessionIdOf, sourceIpOf };
