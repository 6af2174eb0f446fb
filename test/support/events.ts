import { randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayRequestAuthorizerEventV2,
  Context,
} from 'aws-lambda';
import { SESSION_HEADER } from '../../functions/shared/contract/routes.js';
import type { AuthorizerContext } from '../../functions/shared/http/caller.js';

/**
 * API Gateway HTTP API events (payload format 2.0), modelled on the sample events in AWS's documentation
 * ("Working with AWS Lambda proxy integrations for HTTP APIs" and "Working with AWS Lambda authorizers for HTTP
 * APIs"). Like API Gateway, the factories lower-case header names, so a test cannot pass on a casing that never
 * reaches a deployed function.
 */
const ACCOUNT_ID = '123456789012';
const API_ID = 'a1b2c3d4e5';
const REGION = 'ap-east-1';
const DOMAIN_NAME = `${API_ID}.execute-api.${REGION}.amazonaws.com`;
const SOURCE_IP = '192.0.2.1';
const USER_AGENT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.50';

type Headers = Record<string, string>;

interface HttpEventOptions {
  method: string;
  path: string;
  /** Any casing; delivered lower-cased. */
  headers?: Headers;
  body?: string;
  isBase64Encoded?: boolean;
  /** The simple-response context the authorizer returned; lands in `requestContext.authorizer.lambda`. */
  authorizerContext?: AuthorizerContext;
  /** `requestContext.http.sourceIp` (and X-Forwarded-For); default 192.0.2.1. */
  sourceIp?: string;
  /** The route's path parameters (`/sessions/{id}`), as API Gateway hands them over. */
  pathParameters?: Record<string, string>;
}

interface AuthorizerEventOptions {
  /** The X-Session-Id header's value; without it the event carries neither the header nor an identity source. */
  sessionId?: string;
  method?: string;
  path?: string;
  headers?: Headers;
}

const lowerCaseKeys = (headers: Headers): Headers =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

/** An X-Ray trace header: Root=1-<epoch seconds in hex>-<24 hex digits>. */
const traceId = (): string =>
  `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`;

const baseHeaders = (sourceIp = SOURCE_IP): Headers => ({
  accept: '*/*',
  host: DOMAIN_NAME,
  'user-agent': USER_AGENT,
  'x-amzn-trace-id': traceId(),
  'x-forwarded-for': sourceIp,
  'x-forwarded-port': '443',
  'x-forwarded-proto': 'https',
});

const requestContext = (method: string, path: string, sourceIp = SOURCE_IP) => {
  const now = new Date();
  return {
    accountId: ACCOUNT_ID,
    apiId: API_ID,
    domainName: DOMAIN_NAME,
    domainPrefix: API_ID,
    http: { method, path, protocol: 'HTTP/1.1', sourceIp, userAgent: USER_AGENT },
    requestId: randomUUID(),
    routeKey: `${method} ${path}`,
    stage: '$default',
    // API Gateway's CLF-style time, e.g. 12/Mar/2020:19:03:58 +0000.
    time: now.toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1/$2/$3:$4 +0000'),
    timeEpoch: now.getTime(),
  };
};

/** An HTTP API request as a route's Lambda receives it. `wx.request` sends JSON by default, so does this. */
function httpEvent(
  options: HttpEventOptions & { authorizerContext: AuthorizerContext }
): APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
function httpEvent(options: HttpEventOptions): APIGatewayProxyEventV2;
function httpEvent(options: HttpEventOptions): APIGatewayProxyEventV2 {
  const { method, path, body, authorizerContext } = options;
  const headers = {
    ...baseHeaders(options.sourceIp),
    ...(body !== undefined
      ? {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body, options.isBase64Encoded ? 'base64' : 'utf8')),
        }
      : {}),
    ...lowerCaseKeys(options.headers ?? {}),
  };
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: {
      ...requestContext(method, path, options.sourceIp),
      ...(authorizerContext ? { authorizer: { lambda: authorizerContext } } : {}),
    },
    ...(body !== undefined ? { body } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/**
 * The event an HTTP API Lambda authorizer (payload 2.0, identity source `$request.header.X-Session-Id`) receives.
 * API Gateway puts the header's value in `identitySource` as well as in the lower-cased headers.
 */
const authorizerEvent = (options: AuthorizerEventOptions = {}): APIGatewayRequestAuthorizerEventV2 => {
  const { sessionId, method = 'GET', path = '/me' } = options;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/$default/${method}${path}`,
    identitySource: sessionId !== undefined ? [sessionId] : [],
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    cookies: [],
    headers: {
      ...baseHeaders(),
      ...(sessionId !== undefined ? { [SESSION_HEADER.toLowerCase()]: sessionId } : {}),
      ...lowerCaseKeys(options.headers ?? {}),
    },
    requestContext: requestContext(method, path),
  };
};

/** A Lambda context with the fields middy and Powertools read; `remainingMs` feeds getRemainingTimeInMillis. */
const lambdaContext = (functionName = 'test-function', remainingMs = 10_000): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: `2026/01/01/[$LATEST]${randomUUID().replace(/-/g, '')}`,
  getRemainingTimeInMillis: () => remainingMs,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export type { AuthorizerEventOptions, HttpEventOptions };
export { authorizerEvent, httpEvent, lambdaContext };
