import { routeKeyOf, routes } from '../../functions/shared/contract/routes.js';
import type { ThrottleLimits } from '../../functions/shared/contract/throttles.js';
import { sizingOf } from '../function-sizing.js';
import type { HostedRoute } from './api-server.js';
import type { LocalFunction } from './lambda-runtime.js';
import type { LocalRouteEntry } from './local-routes.js';

/** The routes the twin serves, each with the function, the timeout and the throttle the stack gives it. */

/** A function of this project as the stack deploys it: its name, memory and timeout (infra/function-sizing.ts). */
const deployedFunction = (name: string): LocalFunction => ({ name, ...sizingOf(name) });

/**
 * The project's routes (routes.ts) with their deployed sizing, then the LOCAL_ROUTES_FILE ones; each with the stage
 * throttle the stack gives it (the open-route one for the project's routes without the authorizer).
 */
const hostedRoutes = (
  throttles: { readonly default: ThrottleLimits; readonly openRoutes: ThrottleLimits },
  localEntries: readonly LocalRouteEntry[] = []
): HostedRoute[] => [
  ...routes.map((route) => ({
    routeKey: routeKeyOf(route),
    fn: deployedFunction(route.fn),
    authorized: route.authorized,
    throttle: route.authorized ? throttles.default : throttles.openRoutes,
  })),
  ...localEntries.map((entry) => ({
    routeKey: entry.routeKey,
    fn: entry.fn,
    authorized: entry.authorized,
    throttle: throttles.default,
  })),
];

export { deployedFunction, hostedRoutes };
