import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { exportedParameterNames, WeChatLoginApi } from '../../../infra/index.js';
import { resourcesOf } from '../../support/synth.js';

/**
 * Another team's CDK app: its own App and stack, importing only infra/index.ts, attaching its own Lambda to a login
 * API deployed elsewhere.
 */
const consumerStack = () => {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'OrdersStack', { env: { account: '123456789012', region: 'ap-east-1' } });
  const handler = new LambdaFunction(stack, 'ListOrders', {
    runtime: Runtime.PYTHON_3_13,
    handler: 'index.handler',
    code: Code.fromInline('def handler(event, context):\n    return {"statusCode": 200}'),
  });
  return { stack, handler };
};

const routeOf = (template: Template, routeKey: string) => {
  const routes = template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } });
  expect(Object.keys(routes)).toHaveLength(1);
  return Object.values(routes)[0]!.Properties as Record<string, unknown>;
};

describe('a separate CDK app importing infra/index.ts', () => {
  it('attaches a Lambda with fromStackName: authorization type CUSTOM, ids read from SSM at deploy time', () => {
    // GIVEN another team's stack
    const { stack, handler } = consumerStack();
    // WHEN it attaches its Lambda to the login stack by name
    WeChatLoginApi.fromStackName(stack, 'Login', { stackName: 'WeChatMiniProgramLogin' }).addProtectedRoute({
      method: 'GET',
      path: '/orders',
      handler,
    });
    // THEN the route is CUSTOM-authorized with the authorizer id CloudFormation reads from the SSM parameter
    const template = Template.fromStack(stack);
    const names = exportedParameterNames('WeChatMiniProgramLogin');
    const parameters = template.toJSON().Parameters as Record<string, { Type: string; Default: string }>;
    const parameterFor = (name: string) => Object.entries(parameters).find(([, p]) => p.Default === name)?.[0];
    expect(parameters[parameterFor(names.authorizerId)!]!.Type).toBe('AWS::SSM::Parameter::Value<String>');
    expect(routeOf(template, 'GET /orders')).toMatchObject({
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: parameterFor(names.authorizerId) },
      ApiId: { Ref: parameterFor(names.apiId) },
    });
  });

  it('attaches a Lambda with fromAttributes: authorization type CUSTOM with the given authorizer id', () => {
    const { stack, handler } = consumerStack();
    const login = WeChatLoginApi.fromAttributes(stack, 'Login', { httpApiId: 'a1b2c3d4e5', authorizerId: 'abc123' });
    login.addProtectedRoute({ method: 'GET', path: '/orders/{id}', handler });
    expect(routeOf(Template.fromStack(stack), 'GET /orders/{id}')).toMatchObject({
      AuthorizationType: 'CUSTOM',
      AuthorizerId: 'abc123',
      ApiId: 'a1b2c3d4e5',
    });
  });

  it('sends the route to the Lambda as a proxy integration with payload format 2.0', () => {
    const { stack, handler } = consumerStack();
    WeChatLoginApi.fromAttributes(stack, 'Login', {
      httpApiId: 'a1b2c3d4e5',
      authorizerId: 'abc123',
    }).addProtectedRoute({ method: 'POST', path: '/orders', handler });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ApiId: 'a1b2c3d4e5',
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [stack.getLogicalId(handler.node.defaultChild as never), 'Arn'] },
    });
  });

  it('lets API Gateway invoke the Lambda for that API only', () => {
    const { stack, handler } = consumerStack();
    WeChatLoginApi.fromAttributes(stack, 'Login', {
      httpApiId: 'a1b2c3d4e5',
      authorizerId: 'abc123',
    }).addProtectedRoute({ method: 'GET', path: '/orders', handler });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: Match.objectLike({
        'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('a1b2c3d4e5/\\*/\\*/orders')])],
      }),
    });
  });

  it('creates routes only: no API, no authorizer, no stage in the consumer stack', () => {
    const { stack, handler } = consumerStack();
    WeChatLoginApi.fromStackName(stack, 'Login', { stackName: 'WeChatMiniProgramLogin' }).addProtectedRoute({
      method: 'GET',
      path: '/orders',
      handler,
    });
    const types = new Set(Object.values(resourcesOf(Template.fromStack(stack))).map((r) => r.Type));
    for (const type of ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Authorizer', 'AWS::ApiGatewayV2::Stage']) {
      expect(types.has(type), type).toBe(false);
    }
  });

  it('refuses a stack name CloudFormation could not have, naming the construct', () => {
    const { stack } = consumerStack();
    expect(() => WeChatLoginApi.fromStackName(stack, 'Login', { stackName: 'no/such stack' })).toThrow(
      /\[OrdersStack\].*not a CloudFormation stack name/
    );
  });
});
