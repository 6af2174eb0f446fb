import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';

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

/** What the event needs to know of the route API Gateway selected. */
interface SelectedRoute {
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string>;
}

interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const readBody = async (req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too_large'> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

/**
 * Payload 2.0 headers from the raw header list: names lower-cased, a header sent several times joined with commas
 * (Node's own `req.headers` joins with ", " and drops repeats of some headers); Cookie headers go to `cookies`.
 */
const headersOf = (rawHeaders: readonly string[]): { headers: Record<string, string>; cookies: string[] } => {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    if (name === 'cookie') cookies.push(...value.split(/;\s*/).filter(Boolean));
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
};

/**
 * The client's address: the socket's peer, as API Gateway takes it from the TCP connection. Only when the twin is
 * told to trust X-Forwarded-For (TRUST_X_FORWARDED_FOR=true, so tests can play many clients from one machine) is it
 * the header's first entry instead; API Gateway itself never takes it from a header the client sets.
 */
const sourceIpOf = (req: IncomingMessage, trustForwardedFor: boolean): string => {
  const forwarded = trustForwardedFor
    ? String(req.headers['x-forwarded-for'] ?? '')
        .split(',')[0]
        ?.trim()
    : '';
  return forwarded || (req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1');
};

const readRequest = async (
  req: IncomingMessage,
  maxBytes: number,
  { trustForwardedFor = false } = {}
): Promise<RawRequest | 'too_large'> => {
  const body = await readBody(req, maxBytes);
  if (body === 'too_large') return body;
  const url = new URL(req.url ?? '/', 'http://local');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...headersOf(req.rawHeaders),
    body,
    sourceIp: sourceIpOf(req, trustForwardedFor),
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

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time` as API Gateway writes it: `12/Mar/2020:19:03:58 +0000` (always UTC). */
const gatewayTime = (date: Date): string => {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}`;
  return `${day}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
};

/** API Gateway's request id, the shape HTTP APIs use (`JKJaXmPLvHcESHA=`); also sent as `apigw-requestid`. */
const newRequestId = (): string => randomBytes(11).toString('base64');

const requestContext = (request: RawRequest, route: SelectedRoute, requestId: string, now: Date) => ({
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
  routeKey: route.routeKey,
  stage: '$default',
  time: gatewayTime(now),
  timeEpoch: now.getTime(),
});

const toProxyEvent = (
  request: RawRequest,
  route: SelectedRoute,
  requestId: string,
  authorizerContext?: Record<string, unknown>,
  now = new Date()
): APIGatewayProxyEventV2 => {
  const hasBody = request.body.length > 0;
  const isText = TEXT_CONTENT.test(request.headers['content-type'] ?? '');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    headers: request.headers,
    requestContext: {
      ...requestContext(request, route, requestId, now),
      ...(authorizerContext ? { authorizer: { lambda: authorizerContext } } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: hasBody && !isText,
  };
  if (request.cookies.length > 0) event.cookies = request.cookies;
  const query = queryParameters(request.rawQueryString);
  if (query) event.queryStringParameters = query;
  if (route.pathParameters) event.pathParameters = route.pathParameters;
  if (hasBody) event.body = isText ? request.body.toString('utf8') : request.body.toString('base64');
  return event;
};

const toAuthorizerEvent = (
  request: RawRequest,
  route: SelectedRoute,
  requestId: string,
  identity: string,
  now = new Date()
): APIGatewayRequestAuthorizerEventV2 =>
  ({
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${request.method}${request.rawPath}`,
    identitySource: [identity],
    routeKey: route.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    cookies: request.cookies,
    headers: request.headers,
    queryStringParameters: queryParameters(request.rawQueryString) ?? {},
    requestContext: requestContext(request, route, requestId, now),
    pathParameters: route.pathParameters ?? {},
    stageVariables: {},
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

interface StructuredResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  body?: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}

const isStructured = (result: unknown): result is StructuredResult =>
  typeof result === 'object' && result !== null && 'statusCode' in result;

/** A structured result's headers, with each of its `cookies` as its own `set-cookie` header. */
const responseHeaders = (result: StructuredResult): Record<string, string | string[]> => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies.map(String);
  return headers;
};

/**
 * Payload 2.0 response rules: an object with statusCode is used as given (its `cookies` become `set-cookie`
 * headers); anything else is a 200 whose body is the value as JSON.
 */
const toHttpAnswer = (result: unknown): HttpAnswer => {
  if (isStructured(result)) {
    const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
    return { statusCode: result.statusCode, headers: responseHeaders(result), body };
  }
  const body = Buffer.from(result === undefined ? '' : JSON.stringify(result));
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
};

const gatewayError = (statusCode: number, message: string): HttpAnswer => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ message })),
});

export type { HttpAnswer, RawRequest, SelectedRoute };
export {
  gatewayError,
  gatewayTime,
  headersOf,
  newRequestId,
  readRequest,
  toAuthorizerEvent,
  toHttpAnswer,
  toProxyEvent,
};
