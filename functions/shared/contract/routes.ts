/**
 * The HTTP API's routes, written once. The CDK stack creates one route per entry and the local twin serves the
 * same list, so the deployed API and the twin cannot drift apart.
 *
 * `fn` names the Lambda: its code is `functions/<fn>/handler.ts`, exporting `handler`.
 * `authorized` routes sit behind the session authorizer (`functions/authorizer`).
 */
type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RouteDefinition {
  readonly method: HttpMethod;
  readonly path: string;
  readonly fn: string;
  readonly authorized: boolean;
}

/** The request header that carries the session id; API Gateway's identity source is built from it. */
const SESSION_HEADER = 'X-Session-Id';

/** The Lambda that guards every `authorized` route. */
const AUTHORIZER_FUNCTION = 'authorizer';

const routes: readonly RouteDefinition[] = [
  { method: 'POST', path: '/login', fn: 'login', authorized: false },
  { method: 'GET', path: '/me', fn: 'me', authorized: true },
  { method: 'GET', path: '/products', fn: 'products', authorized: true },
  { method: 'POST', path: '/logout', fn: 'logout', authorized: true },
  { method: 'GET', path: '/sessions', fn: 'list-sessions', authorized: true },
  { method: 'DELETE', path: '/sessions/{id}', fn: 'end-session', authorized: true },
  { method: 'POST', path: '/wx/decrypt', fn: 'wx-decrypt', authorized: true },
  { method: 'POST', path: '/wx/verify', fn: 'wx-verify', authorized: true },
  { method: 'GET', path: '/wx/session-key/status', fn: 'wx-session-key-status', authorized: true },
  { method: 'POST', path: '/wx/phone', fn: 'wx-phone', authorized: true },
];

/** API Gateway's name for a route, `METHOD /path`: the stack's route keys and the twin's events both use it. */
const routeKeyOf = (route: Pick<RouteDefinition, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** Every function the project deploys: the route handlers plus the authorizer. */
const functionNames = (): string[] => [...new Set([...routes.map((route) => route.fn), AUTHORIZER_FUNCTION])];

export type { HttpMethod, RouteDefinition };
export { AUTHORIZER_FUNCTION, functionNames, routeKeyOf, routes, SESSION_HEADER };
