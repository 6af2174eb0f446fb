import {
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type IHttpApi,
  type IHttpRouteAuthorizer,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { pascalCase } from '../naming.js';
import { ValidationError } from '../validation-error.js';
import { mapSessionExpiryHeader } from './session-expiry-header.js';

/** One business route behind the session authorizer. */
interface ProtectedRouteOptions {
  /** The HTTP method as API Gateway names it: `'GET'`, `'POST'`, `'PUT'`, `'PATCH'`, `'DELETE'`, `'HEAD'`, `'OPTIONS'` or `'ANY'`. */
  readonly method: string;
  /** The route's path, e.g. `/orders/{id}` or `/files/{proxy+}`. */
  readonly path: string;
  /** The Lambda function that answers it, in any runtime; it receives payload format 2.0 (docs/caller-contract.md). */
  readonly handler: IFunction;
}

/**
 * What every WeChat login API offers other teams, whether built in this app (`WeChatLoginApi`) or imported from a
 * deployed stack (`WeChatLoginApi.fromAttributes`, `WeChatLoginApi.fromStackName`).
 */
interface IWeChatLoginApi {
  /** The HTTP API's id. */
  readonly httpApiId: string;
  /** The session authorizer's id on that API. */
  readonly authorizerId: string;
  /**
   * Adds a route behind the session authorizer: authorization type `CUSTOM`, payload format 2.0, the caller's
   * identity in `requestContext.authorizer.lambda`.
   */
  addProtectedRoute(options: ProtectedRouteOptions): HttpRoute;
}

/** Ids of a deployed login API, as its stack outputs (`ApiId`, `AuthorizerId`) or SSM parameters give them. */
interface WeChatLoginApiAttributes {
  readonly httpApiId: string;
  readonly authorizerId: string;
}

const httpMethods = new Set<string>(Object.values(HttpMethod));

/** The route key of a protected route, refusing (naming `scope`) a method or path API Gateway would not take. */
const protectedRouteKey = (scope: Construct, { method, path }: ProtectedRouteOptions): HttpRouteKey => {
  if (!httpMethods.has(method)) {
    throw new ValidationError(
      `addProtectedRoute: method must be one of ${[...httpMethods].join(', ')} (upper case), got "${method}"`,
      scope
    );
  }
  if (!/^\/\S*$/.test(path)) {
    throw new ValidationError(`addProtectedRoute: path must start with "/" and hold no spaces, got "${path}"`, scope);
  }
  return HttpRouteKey.with(path, method as HttpMethod);
};

/** A construct id for a route: `GET /orders/{id}` → `GetOrdersIdRoute`-style, unique per method and path. */
const routeIdOf = (key: HttpRouteKey): string => `${pascalCase(key.method)}${pascalCase(key.path ?? 'default')}`;

/**
 * The integration of every route behind the authorizer, the project's own and other teams': Lambda proxy, payload
 * format 2.0. One place, so whatever every protected route must carry is added once.
 */
const protectedIntegration = (id: string, handler: IFunction): HttpLambdaIntegration =>
  new HttpLambdaIntegration(id, handler, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 });

/**
 * Creates a protected route in `scope` on `httpApi` behind `authorizer`; its answers carry X-Session-Expires-At
 * (session-expiry-header.ts).
 */
const createProtectedRoute = (
  scope: Construct,
  target: { httpApi: IHttpApi; authorizer: IHttpRouteAuthorizer },
  options: ProtectedRouteOptions
): HttpRoute => {
  const routeKey = protectedRouteKey(scope, options);
  const id = routeIdOf(routeKey);
  const route = new HttpRoute(scope, `${id}Route`, {
    httpApi: target.httpApi,
    routeKey,
    integration: protectedIntegration(`${id}Integration`, options.handler),
    authorizer: target.authorizer,
  });
  mapSessionExpiryHeader(route);
  return route;
};

export type { IWeChatLoginApi, ProtectedRouteOptions, WeChatLoginApiAttributes };
export { createProtectedRoute, protectedIntegration, protectedRouteKey };
