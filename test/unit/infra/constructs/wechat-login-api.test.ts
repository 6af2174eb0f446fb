import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { WeChatLoginApi } from '../../../../infra/constructs/wechat-login-api.js';
import { WeChatLoginStack } from '../../../../infra/stack.js';
import { ValidationError } from '../../../../infra/validation-error.js';
import { APP_ID, resourcesOf } from '../../../support/synth.js';

const newApp = () => new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });

const pythonFunction = (scope: Stack, id: string) =>
  new LambdaFunction(scope, id, {
    runtime: Runtime.PYTHON_3_13,
    handler: 'index.handler',
    code: Code.fromInline('def handler(event, context):\n    return {"statusCode": 200}'),
  });

const errorOf = (run: () => unknown): Error => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

const idOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

describe('WeChatLoginApi', () => {
  it('holds the table, functions, HTTP API and authorizer in any stack', () => {
    const stack = new Stack(newApp(), 'Shop');
    const login = new WeChatLoginApi(stack, 'Login', { wechatAppId: APP_ID });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    expect(login.functions.has('authorizer')).toBe(true);
    expect(login.httpApi.apiId).toBeDefined();
    expect(login.table.tableName).toBeDefined();
  });

  it('adds a protected route in the same stack: CUSTOM, behind its authorizer, payload format 2.0', () => {
    const stack = new Stack(newApp(), 'Shop');
    const login = new WeChatLoginApi(stack, 'Login', { wechatAppId: APP_ID });
    login.addProtectedRoute({ method: 'GET', path: '/orders/{id}', handler: pythonFunction(stack, 'GetOrder') });
    const template = Template.fromStack(stack);
    const authorizerId = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /orders/{id}',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizerId },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GetOrder'), 'Arn'] },
    });
  });

  it('adds a route for a handler of another stack in that stack, so the login stack never depends on it', () => {
    // GIVEN the login stack and an orders stack in the same app
    const app = newApp();
    const loginStack = new WeChatLoginStack(app, 'Login', { wechatAppId: APP_ID });
    const ordersStack = new Stack(app, 'Orders');
    // WHEN the orders stack's function is put behind the login API
    loginStack.loginApi.addProtectedRoute({
      method: 'GET',
      path: '/orders',
      handler: pythonFunction(ordersStack, 'ListOrders'),
    });
    // THEN the route lives in the orders stack, referring to the login stack's API and authorizer
    const route = Object.values(resourcesOf(Template.fromStack(ordersStack))).find(
      (r) => r.Type === 'AWS::ApiGatewayV2::Route'
    )!;
    expect(route.Properties).toMatchObject({
      RouteKey: 'GET /orders',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { 'Fn::ImportValue': expect.stringMatching(/^Login:/) },
      ApiId: { 'Fn::ImportValue': expect.stringMatching(/^Login:/) },
    });
    expect(ordersStack.dependencies).toContain(loginStack);
    expect(loginStack.dependencies).not.toContain(ordersStack);
    Template.fromStack(loginStack).resourcePropertiesCountIs(
      'AWS::ApiGatewayV2::Route',
      { RouteKey: 'GET /orders' },
      0
    );
  });

  it("lets API Gateway invoke the authorizer for any route of the API, other stacks' routes included", () => {
    // GIVEN the login stack with a route added from another stack
    const app = newApp();
    const loginStack = new WeChatLoginStack(app, 'Login', { wechatAppId: APP_ID });
    const ordersStack = new Stack(app, 'Orders');
    loginStack.loginApi.addProtectedRoute({
      method: 'GET',
      path: '/orders',
      handler: pythonFunction(ordersStack, 'L'),
    });
    // THEN the authorizer function's one permission is scoped to the authorizer, not to a route
    const resources = resourcesOf(Template.fromStack(loginStack));
    const authorizerFn = idOf(loginStack, loginStack.functions.get('authorizer')!.fn);
    const permissions = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties!.FunctionName).includes(authorizerFn)
    );
    expect(permissions).toHaveLength(1);
    const sourceArn = JSON.stringify(permissions[0]!.Properties!.SourceArn);
    const apiId = Object.keys(resources).find((id) => resources[id]!.Type === 'AWS::ApiGatewayV2::Api')!;
    const authorizerId = Object.keys(resources).find((id) => resources[id]!.Type === 'AWS::ApiGatewayV2::Authorizer')!;
    expect(sourceArn).toContain(`{"Ref":"${apiId}"},"/authorizers/",{"Ref":"${authorizerId}"}`);
    expect(sourceArn).not.toMatch(/\/(GET|POST|\*)\//);
    // AND the orders stack needs no permission on the authorizer of its own
    const ordersPermissions = Object.values(resourcesOf(Template.fromStack(ordersStack))).filter(
      (r) => r.Type === 'AWS::Lambda::Permission'
    );
    expect(JSON.stringify(ordersPermissions)).not.toContain('authorizers');
  });

  it.each([
    ['get', '/orders', /method must be one of/],
    ['FETCH', '/orders', /method must be one of/],
    ['GET', 'orders', /path must start with "\/"/],
  ])('refuses method %s path %s with a ValidationError naming the construct', (method, path, message) => {
    const stack = new Stack(newApp(), 'Shop');
    const login = new WeChatLoginApi(stack, 'Login', { wechatAppId: APP_ID });
    const handler = pythonFunction(stack, 'F');
    const error = errorOf(() => login.addProtectedRoute({ method, path, handler }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^\[Shop\/Login\/Api\] addProtectedRoute/);
  });

  it('reports invalid props as a ValidationError naming the construct', () => {
    const stack = new Stack(newApp(), 'Shop');
    const error = errorOf(() => new WeChatLoginApi(stack, 'Login', { wechatAppId: 'wx123' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/^\[Shop\/Login\] wechatAppId must be/);
  });
});
