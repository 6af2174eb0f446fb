/**
 * Route selection as API Gateway HTTP APIs do it (developer guide, "Routing API requests"):
 * 1. a full match of path and method, path variables `{name}` included (each matches one non-empty segment);
 * 2. otherwise a match with a greedy path variable `{name+}` (one or more segments, at the end of the path);
 * 3. otherwise the `$default` route; and without one, 404 `{"message":"Not Found"}`.
 * Among several matches of one kind, the most specific wins: compared segment by segment from the left, a literal
 * segment beats a path variable; between greedy routes the longer prefix wins; at equal paths a route for the
 * request's method beats `ANY`.
 */

/** The route key of the `$default` route, which has no method and no path. */
const DEFAULT_ROUTE = '$default';

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string };

/** A route key (`GET /orders/{id}`, `ANY /{proxy+}`, `$default`) taken apart. */
interface RoutePattern {
  readonly routeKey: string;
  /** `ANY` or an upper-case HTTP method; `ANY` for `$default`. */
  readonly method: string;
  readonly segments: readonly Segment[];
  /** The greedy variable's name when the path ends in `{name+}`. */
  readonly greedy?: string;
  readonly isDefault: boolean;
}

interface RouteMatch<R> {
  readonly route: R;
  /** Decoded path variables, as API Gateway puts them in `pathParameters`; undefined when the route has none. */
  readonly pathParameters?: Record<string, string>;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];
const VARIABLE = /^\{([A-Za-z_][A-Za-z0-9_.-]*)(\+)?\}$/;

/** Why a route key is not one API Gateway accepts, or undefined when it is. */
const routeKeyProblem = (routeKey: string): string | undefined => {
  if (routeKey === DEFAULT_ROUTE) return undefined;
  const [method, routePath, ...rest] = routeKey.split(' ');
  if (rest.length > 0 || !method || !routePath) return 'must be "METHOD /path" or "$default"';
  if (!METHODS.includes(method)) return `has an unknown method "${method}" (one of ${METHODS.join(', ')})`;
  if (!routePath.startsWith('/')) return 'must have a path starting with "/"';
  const segments = routePath === '/' ? [] : routePath.slice(1).split('/');
  for (const [index, segment] of segments.entries()) {
    if (segment === '') return 'has an empty path segment';
    const variable = VARIABLE.exec(segment);
    if (!variable && /[{}]/.test(segment)) return `has a malformed path variable "${segment}"`;
    if (variable?.[2] && index !== segments.length - 1) return 'has a greedy variable that is not at the end';
  }
  return undefined;
};

/** Takes a valid route key apart (check it with routeKeyProblem first). */
const parseRouteKey = (routeKey: string): RoutePattern => {
  if (routeKey === DEFAULT_ROUTE) return { routeKey, method: 'ANY', segments: [], isDefault: true };
  const [method = '', routePath = '/'] = routeKey.split(' ');
  const parts = routePath === '/' ? [] : routePath.slice(1).split('/');
  const last = VARIABLE.exec(parts.at(-1) ?? '');
  const greedy = last?.[2] ? last[1] : undefined;
  const segments = (greedy ? parts.slice(0, -1) : parts).map((part): Segment => {
    const variable = VARIABLE.exec(part);
    return variable?.[1] ? { kind: 'variable', name: variable[1] } : { kind: 'literal', text: part };
  });
  return { routeKey, method, segments, ...(greedy ? { greedy } : {}), isDefault: false };
};

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The path variables when `pattern`'s path matches `requestSegments` (method not considered), else undefined. */
const matchPath = (pattern: RoutePattern, requestSegments: readonly string[]): Record<string, string> | undefined => {
  const { segments, greedy } = pattern;
  if (greedy ? requestSegments.length <= segments.length : requestSegments.length !== segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    const actual = requestSegments[index] ?? '';
    if (segment.kind === 'literal' && segment.text !== actual) return undefined;
    if (segment.kind === 'variable') {
      if (actual === '') return undefined;
      parameters[segment.name] = decode(actual);
    }
  }
  if (greedy) parameters[greedy] = requestSegments.slice(segments.length).map(decode).join('/');
  return parameters;
};

/**
 * Sort key of a matching route: lower is more specific. Tier (full match, greedy, $default), then for greedy routes
 * the prefix length (longer first), then literal-before-variable per segment, then method before ANY.
 */
const specificity = (pattern: RoutePattern): number[] => [
  pattern.isDefault ? 2 : pattern.greedy ? 1 : 0,
  -pattern.segments.length,
  ...pattern.segments.map((segment) => (segment.kind === 'literal' ? 0 : 1)),
  pattern.method === 'ANY' ? 1 : 0,
];

const compareKeys = (a: readonly number[], b: readonly number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
};

/** The route API Gateway would pick for `method` and `rawPath` among `routes`, or undefined (404). */
const selectRoute = <R extends { readonly pattern: RoutePattern }>(
  routes: readonly R[],
  method: string,
  rawPath: string
): RouteMatch<R> | undefined => {
  const requestSegments = rawPath === '/' ? [] : rawPath.slice(1).split('/');
  const candidates = routes.flatMap((route) => {
    const { pattern } = route;
    if (pattern.method !== 'ANY' && pattern.method !== method) return [];
    const parameters = pattern.isDefault ? {} : matchPath(pattern, requestSegments);
    return parameters ? [{ route, parameters, key: specificity(pattern) }] : [];
  });
  const [best] = candidates.sort((a, b) => compareKeys(a.key, b.key));
  if (!best) return undefined;
  const hasParameters = Object.keys(best.parameters).length > 0;
  return { route: best.route, ...(hasParameters ? { pathParameters: best.parameters } : {}) };
};

export type { RouteMatch, RoutePattern };
export { DEFAULT_ROUTE, parseRouteKey, routeKeyProblem, selectRoute };
