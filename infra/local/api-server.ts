import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AUTHORIZER_FUNCTION, type RouteDefinition, SESSION_HEADER } from '../../functions/shared/contract/routes.js';
import {
  gatewayError,
  type HttpAnswer,
  type RawRequest,
  lambdaContext,
  newRequestId,
  readRequest,
  toAuthorizerEvent,
  toHttpAnswer,
  toProxyEvent,
} from './api-gateway.js';

/** What a Lambda module exports; the twin calls it exactly as the Lambda runtime would. */
type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

interface LocalApiOptions {
  routes: readonly RouteDefinition[];
  /** Loads `functions/<name>/handler.ts`'s `handler`. */
  loadHandler: (name: string) => Promise<LambdaHandler>;
  /** API Gateway's authorizer result cache; 0 (the default) calls the authorizer on every request. */
  authorizerCacheTtlSeconds?: number;
  /** One line per request: method, path, status, milliseconds. Never headers, so never a session id. */
  accessLog?: (line: string) => void;
  /** Where a Lambda's uncaught error is reported, as the Lambda runtime would log it. */
  errorLog?: (line: string) => void;
  /**
   * How many Lambda invocations run at once. In AWS each invocation has its own instance; here one process serves
   * them all, so the rest queue (as behind a reserved-concurrency limit) instead of piling onto one socket pool.
   */
  concurrency?: number;
}

/** API Gateway's payload limit: beyond it the request never reaches a Lambda. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const LAMBDA_TIMEOUT_MS = 10_000;
const DEFAULT_CONCURRENCY = 16;

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

type AuthorizerOutcome = { kind: 'allow'; context: Record<string, unknown> } | { kind: 'deny' } | { kind: 'error' };

/**
 * The local stand-in for the HTTP API: the same routes as the stack, the same authorizer rules:
 * no X-Session-Id → 401 without calling the authorizer; `isAuthorized: false` → 403; an authorizer error → 500;
 * an allow passes its context on as `requestContext.authorizer.lambda`.
 */
const createLocalApi = (options: LocalApiOptions): Server => {
  const invoke = concurrencyLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const reportError = (fn: string, error: unknown) =>
    options.errorLog?.(
      JSON.stringify({
        level: 'ERROR',
        message: `Lambda ${fn} failed`,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      })
    );
  const cacheTtlMs = (options.authorizerCacheTtlSeconds ?? 0) * 1000;
  const authorizerCache = new Map<string, { outcome: AuthorizerOutcome; expiresAt: number }>();
  const identityHeader = SESSION_HEADER.toLowerCase();

  const authorize = async (
    request: RawRequest,
    route: RouteDefinition,
    requestId: string,
    identity: string
  ): Promise<AuthorizerOutcome> => {
    const cached = cacheTtlMs > 0 ? authorizerCache.get(identity) : undefined;
    if (cached && cached.expiresAt > Date.now()) return cached.outcome;
    let outcome: AuthorizerOutcome;
    try {
      const authorizer = await options.loadHandler(AUTHORIZER_FUNCTION);
      const result = (await invoke(() =>
        authorizer(
          toAuthorizerEvent(request, route, requestId, identity),
          lambdaContext(AUTHORIZER_FUNCTION, requestId, LAMBDA_TIMEOUT_MS)
        )
      )) as { isAuthorized?: unknown; context?: Record<string, unknown> } | undefined;
      // API Gateway answers 500 for an answer that is not a simple response, rather than guessing.
      if (typeof result?.isAuthorized !== 'boolean') throw new Error('The authorizer answered no isAuthorized boolean');
      outcome = result.isAuthorized ? { kind: 'allow', context: result.context ?? {} } : { kind: 'deny' };
    } catch (error) {
      reportError(AUTHORIZER_FUNCTION, error);
      return { kind: 'error' };
    }
    if (cacheTtlMs > 0) authorizerCache.set(identity, { outcome, expiresAt: Date.now() + cacheTtlMs });
    return outcome;
  };

  const answer = async (req: IncomingMessage): Promise<HttpAnswer> => {
    const request = await readRequest(req, MAX_REQUEST_BYTES);
    if (request === 'too_large') return gatewayError(413, 'Request Entity Too Large');
    const route = options.routes.find(
      (candidate) => candidate.method === request.method && candidate.path === request.rawPath
    );
    if (!route) return gatewayError(404, 'Not Found');
    const requestId = newRequestId();

    let authorizerContext: Record<string, unknown> | undefined;
    if (route.authorized) {
      const identity = request.headers[identityHeader];
      if (!identity) return gatewayError(401, 'Unauthorized');
      const outcome = await authorize(request, route, requestId, identity);
      if (outcome.kind === 'error') return gatewayError(500, 'Internal Server Error');
      if (outcome.kind === 'deny') return gatewayError(403, 'Forbidden');
      authorizerContext = outcome.context;
    }

    try {
      const handler = await options.loadHandler(route.fn);
      const result = await invoke(() =>
        handler(
          toProxyEvent(request, route, requestId, authorizerContext),
          lambdaContext(route.fn, requestId, LAMBDA_TIMEOUT_MS)
        )
      );
      return toHttpAnswer(result);
    } catch (error) {
      reportError(route.fn, error);
      return gatewayError(500, 'Internal Server Error');
    }
  };

  const send = (res: ServerResponse, reply: HttpAnswer): void => {
    res.writeHead(reply.statusCode, { ...reply.headers, 'content-length': reply.body.length });
    res.end(reply.body);
  };

  return createServer((req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    answer(req)
      .catch(() => gatewayError(500, 'Internal Server Error'))
      .then((reply) => {
        send(res, reply);
        options.accessLog?.(`${req.method} ${path} ${reply.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
      });
  });
};

export { DEFAULT_CONCURRENCY, createLocalApi };
export type { LambdaHandler, LocalApiOptions };
