import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import { type RouteDefinition, routeKeyOf } from '../../functions/shared/contract/routes.js';

/**
 * Turns a Node HTTP request into what API Gateway (HTTP API, payload format 2.0) hands a Lambda, and a Lambda's
 * answer back into an HTTP response, following AWS's documented rules.
 */
const TEXT_CONTENT = /^(text\/|application\/(.+\+)?(json|xml|javascript|x-www-form-urlencoded))/i;

interface RawRequest {
  method: string;
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
  sourceIp: string;
}

const readRequest = async (req: IncomingMessage, maxBytes: number): Promise<RawRequest | 'too_large'> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  // Payload 2.0: header names lower-cased, repeated headers joined with commas; cookies move to their own field.
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = req.headers.cookie ? req.headers.cookie.split(/;\s*/).filter(Boolean) : [];
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    cookies,
    body: Buffer.concat(chunks),
    sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
  };
};

const queryParameters = (rawQueryString: string): Record<string, string> | undefined => {
  if (!rawQueryString) return undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    params[name] = name in params ? `${params[name]},${value}` : value;
  }
  return params;
};

const requestContext = (request: RawRequest, route: RouteDefinition, requestId: string) => {
  const now = new Date();
  return {
    accountId: '000000000000',
    apiId: 'local',
    domainName: request.headers.host ?? '127.0.0.1',
    domainPrefix: 'local',
    http: {
      method: request.method,
      path: request.rawPath,
      protocol: 'HTTP/1.1',
      sourceIp: request.sourceIp,
      userAgent: request.headers['user-agent'] ?? '',
    },
    requestId,
    routeKey: routeKeyOf(route),
    stage: '$default',
    time: now.toISOString(),
    timeEpoch: now.getTime(),
  };
};

const toProxyEvent = (
  request: RawRequest,
  route: RouteDefinition,
  requestId: string,
  authorizerContext?: Record<string, unknown>
): APIGatewayProxyEventV2 => {
  const hasBody = request.body.length > 0;
  const isText = TEXT_CONTENT.test(request.headers['content-type'] ?? '');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: routeKeyOf(route),
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    headers: request.headers,
    requestContext: {
      ...requestContext(request, route, requestId),
      ...(authorizerContext ? { authorizer: { lambda: authorizerContext } } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: hasBody && !isText,
  };
  if (request.cookies.length > 0) event.cookies = request.cookies;
  const query = queryParameters(request.rawQueryString);
  if (query) event.queryStringParameters = query;
  if (hasBody) event.body = isText ? request.body.toString('utf8') : request.body.toString('base64');
  return event;
};

const toAuthorizerEvent = (
  request: RawRequest,
  route: RouteDefinition,
  requestId: string,
  identity: string
): APIGatewayRequestAuthorizerEventV2 =>
  ({
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${route.method}${route.path}`,
    identitySource: [identity],
    routeKey: routeKeyOf(route),
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    cookies: request.cookies,
    headers: request.headers,
    queryStringParameters: queryParameters(request.rawQueryString) ?? {},
    requestContext: requestContext(request, route, requestId),
    pathParameters: {},
    stageVariables: {},
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Payload 2.0 response rules: an object with statusCode is used as given; anything else is a 200 whose body is
 * the value as JSON.
 */
const toHttpAnswer = (result: unknown): HttpAnswer => {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const structured = result as {
      statusCode: number;
      headers?: Record<string, string | number | boolean>;
      body?: string;
      isBase64Encoded?: boolean;
      cookies?: string[];
    };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name] = String(value);
    const body = Buffer.from(structured.body ?? '', structured.isBase64Encoded ? 'base64' : 'utf8');
    return { statusCode: structured.statusCode, headers, body };
  }
  const body = Buffer.from(result === undefined ? '' : JSON.stringify(result));
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
};

const gatewayError = (statusCode: number, message: string): HttpAnswer => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ message })),
});

const lambdaContext = (functionName: string, requestId: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const newRequestId = (): string => randomUUID();

export { gatewayError, lambdaContext, newRequestId, readRequest, toAuthorizerEvent, toHttpAnswer, toProxyEvent };
export type { HttpAnswer, RawRequest };
