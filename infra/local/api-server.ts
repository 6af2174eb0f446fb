import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SESSION_HEADER } from '../../functions/shared/contract/routes.js';
import type { ThrottleLimits } from '../../functions/shared/contract/throttles.js';
import {
  gatewayError,
  type HttpAnswer,
  newRequestId,
  type RawRequest,
  readRequest,
  type SelectedRoute,
  toAuthorizerEvent,
  toHttpAnswer,
  toProxyEvent,
} from './api-gateway.js';
import { API_GATEWAY_LIMITS, GATEWAY_MESSAGES, invokePayloadTooLarge, throttleFor } from './gateway-limits.js';
import {
  type Invocation,
  invokeFunction,
  type LambdaHandler,
  type LocalFunction,
  timeoutMessage,
} from './lambda-runtime.js';
import { parseRouteKey, type RoutePattern, selectRoute } from './routing.js';
import { withSessionExpiryHeader } from './session-expiry-header.js';

/** A route the twin serves: its key as API Gateway writes it, the function behind it and whether it is protected. */
interface HostedRoute {
  /** `GET /orders/{id}`, `ANY /{proxy+}` or `$default`. */
  readonly routeKey: string;
  readonly fn: LocalFunction;
  readonly authorized: boolean;
  /** This route's throttle; without one the route serves unthrottled. */
  readonly throttle?: ThrottleLimits;
}

interface LocalApiOptions {
  routes: readonly HostedRoute[];
  /** The function that guards every `authorized` route, with its deployed sizing. */
  authorizer: LocalFunction;
  /** Loads a function's handler by name (`functions/<name>/handler.ts`'s `handler`, or a LOCAL_ROUTES_FILE entry). */
  loadHandler: (name: string) => Promise<LambdaHandler>;
  /** API Gateway's authorizer result cache; 0 (the default) calls the authorizer on every request. */
  authorizerCacheTtlSeconds?: number;
  /** How long API Gateway waits for an integration before answering 503. Default 30 s, as on AWS. */
  integrationTimeoutMs?: number;
  /** One line per request: method, path, status, milliseconds. Never headers, so never a session id. */
  accessLog?: (line: string) => void;
  /** Where a Lambda's uncaught error or timeout is reported, as the Lambda runtime would log it. */
  errorLog?: (line: string) => void;
  /**
   * How many Lambda invocations run at once. In AWS each invocation has its own instance; here one process serves
   * them all, so the rest queue (as behind a reserved-concurrency limit) instead of piling onto one socket pool.
   */
  concurrency?: number;
  /**
   * Take the client IP (`requestContext.http.sourceIp`) from the first X-Forwarded-For entry instead of the socket,
   * so tests can play many clients. Off by default: a client could then pick its own address.
   */
  trustForwardedFor?: boolean;
}

const DEFAULT_CONCURRENCY = 16;

type CompiledRoute = HostedRoute & { readonly pattern: RoutePattern; readonly allow: () => boolean };
type AuthorizerOutcome = { kind: 'allow'; context: Record<string, unknown> } | { kind: 'deny' } | { kind: 'error' };
type Invoke = (fn: LocalFunction, event: unknown, waitLimitMs?: number) => Promise<Invocation>;

/** Runs at most `limit` tasks at once; the others wait their turn in arrival order. */
const concurrencyLimit = (limit: number) => {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
};

/** Invokes functions by name under the concurrency limit, logging failures as the Lambda runtime would. */
const functionInvoker = (options: LocalApiOptions): Invoke => {
  const limit = concurrencyLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const report = (fn: LocalFunction, error: string) =>
    options.errorLog?.(JSON.stringify({ level: 'ERROR', message: `Lambda ${fn.name} failed`, error }));
  return async (fn, event, waitLimitMs) => {
    const handler = await options.loadHandler(fn.name);
    const outcome = await limit(() => invokeFunction(fn, handler, event, waitLimitMs));
    if (outcome.kind === 'failed') {
      const { error } = outcome;
      report(fn, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
    if (outcome.kind === 'timed_out') report(fn, timeoutMessage(fn));
    return outcome;
  };
};

const compileRoutes = (routes: readonly HostedRoute[]): CompiledRoute[] =>
  routes.map((route) => ({ ...route, pattern: parseRouteKey(route.routeKey), allow: throttleFor(route.throttle) }));

/**
 * The Lambda authorizer step: an allow passes its context on as `requestContext.authorizer.lambda`; an answer that
 * is not a simple response, an error, or a timeout (the authorizer's own, or API Gateway's wait) is 'error'.
 */
const createAuthorizer = (options: LocalApiOptions, invoke: Invoke) => {
  const cacheTtlMs = (options.authorizerCacheTtlSeconds ?? 0) * 1000;
  const cache = new Map<string, { outcome: AuthorizerOutcome; expiresAt: number }>();
  const decide = async (event: unknown): Promise<AuthorizerOutcome> => {
    const outcome = await invoke(options.authorizer, event, API_GATEWAY_LIMITS.authorizerTimeoutMs);
    if (outcome.kind !== 'returned') return { kind: 'error' };
    const result = outcome.value as { isAuthorized?: unknown; context?: Record<string, unknown> } | undefined;
    // API Gateway answers 500 for an answer that is not a simple response, rather than guessing.
    if (typeof result?.isAuthorized !== 'boolean') return { kind: 'error' };
    return result.isAuthorized ? { kind: 'allow', context: result.context ?? {} } : { kind: 'deny' };
  };
  return async (request: RawRequest, route: SelectedRoute, requestId: string, identity: string) => {
    const cached = cacheTtlMs > 0 ? cache.get(identity) : undefined;
    if (cached && cached.expiresAt > Date.now()) return cached.outcome;
    const outcome = await decide(toAuthorizerEvent(request, route, requestId, identity));
    if (cacheTtlMs > 0 && outcome.kind !== 'error')
      cache.set(identity, { outcome, expiresAt: Date.now() + cacheTtlMs });
    return outcome;
  };
};

/** The Lambda integration step: the function's answer mapped to HTTP, or API Gateway's own error. */
const createIntegration = (options: LocalApiOptions, invoke: Invoke) => {
  const waitMs = options.integrationTimeoutMs ?? API_GATEWAY_LIMITS.integrationTimeoutMs;
  return async (fn: LocalFunction, event: unknown): Promise<HttpAnswer> => {
    if (invokePayloadTooLarge(event)) return gatewayError(413, GATEWAY_MESSAGES[413]);
    const outcome = await invoke(fn, event, waitMs);
    if (outcome.kind === 'abandoned') return gatewayError(503, GATEWAY_MESSAGES[503]);
    if (outcome.kind !== 'returned' || invokePayloadTooLarge(outcome.value)) {
      return gatewayError(500, GATEWAY_MESSAGES[500]);
    }
    // What Lambda hands API Gateway is the JSON of the result, so a value JSON cannot carry does not get through.
    const serialized = outcome.value === undefined ? undefined : JSON.stringify(outcome.value);
    return toHttpAnswer(serialized === undefined ? undefined : JSON.parse(serialized));
  };
};

/** The authorizer's verdict as API Gateway answers it, or the context to pass on. */
const authorizeOrRefuse = async (
  authorize: ReturnType<typeof createAuthorizer>,
  request: RawRequest,
  selected: SelectedRoute,
  requestId: string
): Promise<HttpAnswer | { context: Record<string, unknown> }> => {
  const identity = request.headers[SESSION_HEADER.toLowerCase()];
  if (!identity) return gatewayError(401, GATEWAY_MESSAGES[401]);
  const outcome = await authorize(request, selected, requestId, identity);
  if (outcome.kind === 'error') return gatewayError(500, GATEWAY_MESSAGES[500]);
  if (outcome.kind === 'deny') return gatewayError(403, GATEWAY_MESSAGES[403]);
  return { context: outcome.context };
};

/**
 * The local stand-in for the HTTP API, in API Gateway's order: payload limit (413), route selection (404), the
 * route's throttle (429), the authorizer on protected routes (no X-Session-Id → 401 without calling it; deny → 403;
 * error or timeout → 500), then the integration (function error or timeout → 500, the 30 s limit → 503).
 */
const createGateway = (options: LocalApiOptions) => {
  const routes = compileRoutes(options.routes);
  const invoke = functionInvoker(options);
  const authorize = createAuthorizer(options, invoke);
  const integrate = createIntegration(options, invoke);
  return async (request: RawRequest, requestId: string): Promise<HttpAnswer> => {
    const match = selectRoute(routes, request.method, request.rawPath);
    if (!match) return gatewayError(404, GATEWAY_MESSAGES[404]);
    const { route } = match;
    if (!route.allow()) return gatewayError(429, GATEWAY_MESSAGES[429]);
    const selected: SelectedRoute = { routeKey: route.routeKey, ...match };
    let authorizerContext: Record<string, unknown> | undefined;
    if (route.authorized) {
      const verdict = await authorizeOrRefuse(authorize, request, selected, requestId);
      if ('statusCode' in verdict) return verdict;
      authorizerContext = verdict.context;
    }
    const reply = await integrate(route.fn, toProxyEvent(request, selected, requestId, authorizerContext));
    return withSessionExpiryHeader(reply, authorizerContext);
  };
};

const send = (res: ServerResponse, reply: HttpAnswer, requestId: string): void => {
  res.writeHead(reply.statusCode, {
    ...reply.headers,
    'content-length': reply.body.length,
    'apigw-requestid': requestId,
  });
  res.end(reply.body);
};

const createLocalApi = (options: LocalApiOptions): Server => {
  const gateway = createGateway(options);
  const answer = async (req: IncomingMessage, requestId: string): Promise<HttpAnswer> => {
    const request = await readRequest(req, API_GATEWAY_LIMITS.maxRequestBodyBytes, {
      trustForwardedFor: options.trustForwardedFor ?? false,
    });
    if (request === 'too_large') return gatewayError(413, GATEWAY_MESSAGES[413]);
    return gateway(request, requestId);
  };
  return createServer((req, res) => {
    const started = performance.now();
    const requestId = newRequestId();
    const path = (req.url ?? '/').split('?')[0];
    void answer(req, requestId)
      .catch(() => gatewayError(500, GATEWAY_MESSAGES[500]))
      .then((reply) => {
        send(res, reply, requestId);
        options.accessLog?.(`${req.method} ${path} ${reply.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
      });
  });
};

export type { LambdaHandler } from './lambda-runtime.js';
export type { HostedRoute, LocalApiOptions };
export { createLocalApi, DEFAULT_CONCURRENCY };
