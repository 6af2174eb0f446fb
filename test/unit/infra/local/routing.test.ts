import { describe, expect, it } from 'vitest';
import { parseRouteKey, routeKeyProblem, selectRoute } from '../../../../infra/local/routing.js';

/** Route selection by API Gateway's HTTP API rules: full match, then greedy, then $default; most specific wins. */
const table = (...routeKeys: string[]) => routeKeys.map((routeKey) => ({ routeKey, pattern: parseRouteKey(routeKey) }));
const pick = (routes: ReturnType<typeof table>, method: string, path: string) => {
  const match = selectRoute(routes, method, path);
  return match ? { routeKey: match.route.routeKey, pathParameters: match.pathParameters } : undefined;
};

describe('route selection', () => {
  // The example of AWS's developer guide ("Routing API requests"), plus a $default route.
  const guide = table('GET /pets/dog/1', 'GET /pets/dog/{id}', 'GET /pets/{proxy+}', 'ANY /{proxy+}', '$default');

  it("follows the developer guide's example", () => {
    expect(pick(guide, 'GET', '/pets/dog/1')).toEqual({ routeKey: 'GET /pets/dog/1', pathParameters: undefined });
    expect(pick(guide, 'GET', '/pets/dog/2')).toEqual({ routeKey: 'GET /pets/dog/{id}', pathParameters: { id: '2' } });
    expect(pick(guide, 'GET', '/pets/cat/1')).toEqual({
      routeKey: 'GET /pets/{proxy+}',
      pathParameters: { proxy: 'cat/1' },
    });
    expect(pick(guide, 'POST', '/pets/cat/1')).toEqual({
      routeKey: 'ANY /{proxy+}',
      pathParameters: { proxy: 'pets/cat/1' },
    });
  });

  it('falls back to $default, without pathParameters, and to nothing (404) without one', () => {
    expect(pick(guide, 'GET', '/')).toEqual({ routeKey: '$default', pathParameters: undefined });
    expect(pick(table('GET /orders'), 'GET', '/elsewhere')).toBeUndefined();
    expect(pick(table('GET /orders'), 'POST', '/orders')).toBeUndefined();
  });

  it('prefers a literal segment to a variable, segment by segment from the left', () => {
    const routes = table('GET /{a}/b', 'GET /a/{b}', 'GET /{a}/{b}');
    expect(pick(routes, 'GET', '/a/b')?.routeKey).toBe('GET /a/{b}');
    expect(pick(routes, 'GET', '/x/b')?.routeKey).toBe('GET /{a}/b');
    expect(pick(routes, 'GET', '/x/y')?.routeKey).toBe('GET /{a}/{b}');
  });

  it('prefers a full match with variables to any greedy route, and the longer greedy prefix to a shorter one', () => {
    const routes = table('ANY /{proxy+}', 'GET /files/{proxy+}', 'GET /files/{name}');
    expect(pick(routes, 'GET', '/files/a')).toEqual({ routeKey: 'GET /files/{name}', pathParameters: { name: 'a' } });
    expect(pick(routes, 'GET', '/files/a/b')?.routeKey).toBe('GET /files/{proxy+}');
    expect(pick(routes, 'GET', '/other/a')?.routeKey).toBe('ANY /{proxy+}');
  });

  it("prefers the request's method to ANY on the same path", () => {
    const routes = table('ANY /orders', 'GET /orders');
    expect(pick(routes, 'GET', '/orders')?.routeKey).toBe('GET /orders');
    expect(pick(routes, 'DELETE', '/orders')?.routeKey).toBe('ANY /orders');
  });

  it('never matches a variable to an empty segment, nor a greedy variable to nothing', () => {
    const routes = table('GET /orders/{id}', 'GET /files/{proxy+}');
    expect(pick(routes, 'GET', '/orders/')).toBeUndefined();
    expect(pick(routes, 'GET', '/files')).toBeUndefined();
  });

  it('decodes path parameters, as API Gateway does before the integration sees them', () => {
    expect(pick(table('GET /users/{name}'), 'GET', '/users/%E5%BE%AE%20x')?.pathParameters).toEqual({ name: '微 x' });
  });
});

describe('route keys', () => {
  it('accepts what API Gateway accepts', () => {
    for (const key of ['GET /orders', 'ANY /{proxy+}', 'DELETE /a/{b}/c', 'GET /', '$default', 'OPTIONS /x']) {
      expect(routeKeyProblem(key), key).toBeUndefined();
    }
  });

  it('names what is wrong with a route key API Gateway would refuse', () => {
    expect(routeKeyProblem('GET')).toMatch(/METHOD \/path/);
    expect(routeKeyProblem('FETCH /orders')).toMatch(/unknown method "FETCH"/);
    expect(routeKeyProblem('GET orders')).toMatch(/starting with "\/"/);
    expect(routeKeyProblem('GET /a//b')).toMatch(/empty path segment/);
    expect(routeKeyProblem('GET /{proxy+}/x')).toMatch(/greedy variable that is not at the end/);
    expect(routeKeyProblem('GET /{id')).toMatch(/malformed path variable/);
    expect(routeKeyProblem('get /orders')).toMatch(/unknown method/);
  });
});
