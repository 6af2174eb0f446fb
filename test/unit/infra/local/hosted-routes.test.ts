import { describe, expect, it } from 'vitest';
import { AUTHORIZER_FUNCTION, routeKeyOf, routes } from '../../../../functions/shared/contract/routes.js';
import { stageThrottles } from '../../../../functions/shared/contract/throttles.js';
import { sizingOf } from '../../../../infra/function-sizing.js';
import { deployedFunction, hostedRoutes } from '../../../../infra/local/hosted-routes.js';

/** The twin serves each route with the function sizing and the throttle the stack deploys, not numbers of its own. */
describe('the routes the twin serves', () => {
  const hosted = hostedRoutes(stageThrottles);

  it("gives every project function the stack's timeout and memory, the authorizer included", () => {
    expect(hosted.map((route) => route.routeKey)).toEqual(routes.map(routeKeyOf));
    for (const [index, route] of routes.entries()) {
      expect(hosted[index]?.fn, route.fn).toEqual({ name: route.fn, ...sizingOf(route.fn) });
      expect(hosted[index]?.authorized).toBe(route.authorized);
    }
    expect(deployedFunction(AUTHORIZER_FUNCTION)).toEqual({
      name: AUTHORIZER_FUNCTION,
      ...sizingOf(AUTHORIZER_FUNCTION),
    });
    // Not one constant for all: the functions that wait on WeChat's access_token get longer than the authorizer.
    expect(new Set(hosted.map((route) => route.fn.timeoutSeconds)).size).toBeGreaterThan(1);
  });

  it("throttles the open routes with the stack's open-route limits and every other route with the stage default", () => {
    for (const route of hosted) {
      expect(route.throttle, route.routeKey).toEqual(
        route.authorized ? stageThrottles.default : stageThrottles.openRoutes
      );
    }
  });

  it('adds LOCAL_ROUTES_FILE routes after the project ones, with their own timeout and the stage default throttle', () => {
    const fn = { name: 'get_order', timeoutSeconds: 9, memorySizeMb: 128 };
    const entry = {
      routeKey: 'GET /orders/{id}',
      file: '/x/get_order.py',
      exportName: 'handler',
      authorized: true,
      fn,
    };
    expect(hostedRoutes(stageThrottles, [entry]).at(-1)).toEqual({
      routeKey: 'GET /orders/{id}',
      fn,
      authorized: true,
      throttle: stageThrottles.default,
    });
  });
});
