import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../../../functions/shared/contract/routes.js';
import {
  SESSION_EXPIRES_CONTEXT_KEY,
  SESSION_EXPIRES_HEADER,
  SESSION_EXPIRES_STATUSES,
} from '../../../../functions/shared/contract/session-expiry.js';
import { WeChatLoginStack } from '../../../../infra/stack.js';
import { APP_ID, type Resource, resourcesOf, synth } from '../../../support/synth.js';

const EXPECTED_MAPPING = {
  ResponseParameters: [
    { Destination: 'overwrite:header.X-Session-Expires-At', Source: '$context.authorizer.expiresAt' },
  ],
};

/** The integration resource a route resource targets (`integrations/<Ref>`), by logical id. */
const integrationOfRoute = (resources: Record<string, Resource>, route: Resource): Resource => {
  const target = JSON.stringify(route.Properties!.Target);
  const found = Object.entries(resources).find(
    ([logicalId, resource]) => resource.Type === 'AWS::ApiGatewayV2::Integration' && target.includes(`"${logicalId}"`)
  );
  if (!found) throw new Error(`no integration for ${String(route.Properties!.RouteKey)}`);
  return found[1];
};

describe('X-Session-Expires-At response mapping', () => {
  let resources: Record<string, Resource>;
  let routeResources: Resource[];

  beforeAll(() => {
    resources = resourcesOf(synth().template);
    routeResources = Object.values(resources).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route');
  });

  it('names the header, the context key and every status of our answers in the shared contract', () => {
    expect(SESSION_EXPIRES_HEADER).toBe('X-Session-Expires-At');
    expect(SESSION_EXPIRES_CONTEXT_KEY).toBe('expiresAt');
    expect(SESSION_EXPIRES_STATUSES).toEqual(expect.arrayContaining([200, 204, 400, 403, 404, 429, 500, 502, 503]));
  });

  it("maps the authorizer's expiresAt into the header for every status on every protected route's integration", () => {
    const protectedKeys = routes.filter((route) => route.authorized).map((route) => `${route.method} ${route.path}`);
    const mapped = routeResources.filter((route) => route.Properties!.AuthorizationType === 'CUSTOM');
    expect(mapped.map((route) => route.Properties!.RouteKey).sort()).toEqual(protectedKeys.sort());
    for (const route of mapped) {
      const parameters = integrationOfRoute(resources, route).Properties!.ResponseParameters as Record<string, unknown>;
      expect(Object.keys(parameters).sort(), String(route.Properties!.RouteKey)).toEqual(
        SESSION_EXPIRES_STATUSES.map(String).sort()
      );
      for (const mapping of Object.values(parameters)) expect(mapping).toEqual(EXPECTED_MAPPING);
    }
  });

  it('maps nothing on an open route: there is no authorizer context to map', () => {
    const open = routeResources.filter((route) => route.Properties!.AuthorizationType === 'NONE');
    expect(open.map((route) => route.Properties!.RouteKey)).toContain('POST /login');
    for (const route of open)
      expect(integrationOfRoute(resources, route).Properties!.ResponseParameters).toBeUndefined();
  });

  it('maps routes other teams add with addProtectedRoute, in the login stack and in their own stacks', () => {
    // GIVEN the login stack and an orders stack in one app
    const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
    const loginStack = new WeChatLoginStack(app, 'Login', { wechatAppId: APP_ID });
    const ordersStack = new Stack(app, 'Orders');
    const handler = (scope: Stack, id: string) =>
      new LambdaFunction(scope, id, {
        runtime: Runtime.PYTHON_3_13,
        handler: 'index.handler',
        code: Code.fromInline('def handler(event, context):\n    return {"statusCode": 200}'),
      });
    // WHEN routes are put behind the login API from both stacks
    loginStack.loginApi.addProtectedRoute({ method: 'GET', path: '/coupons', handler: handler(loginStack, 'C') });
    loginStack.loginApi.addProtectedRoute({ method: 'GET', path: '/orders', handler: handler(ordersStack, 'O') });
    // THEN each route's integration carries the mapping
    for (const [stack, key] of [
      [loginStack, 'GET /coupons'],
      [ordersStack, 'GET /orders'],
    ] as const) {
      const stackResources = resourcesOf(Template.fromStack(stack));
      const route = Object.values(stackResources).find(
        (resource) => resource.Type === 'AWS::ApiGatewayV2::Route' && resource.Properties!.RouteKey === key
      )!;
      const parameters = integrationOfRoute(stackResources, route).Properties!.ResponseParameters as Record<
        string,
        unknown
      >;
      expect(Object.keys(parameters), key).toHaveLength(SESSION_EXPIRES_STATUSES.length);
      expect(parameters['200'], key).toEqual(EXPECTED_MAPPING);
    }
  });
});
