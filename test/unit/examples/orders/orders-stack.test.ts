import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { OrdersStack } from '../../../../examples/orders/orders-stack.js';
import { repoRoot } from '../../../../infra/bundling.js';
import { exportedParameterNames } from '../../../../infra/index.js';

const ordersDir = path.join(repoRoot, 'examples/orders');

const synthOrders = () => {
  const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new OrdersStack(app, 'Orders', { loginStackName: 'WeChatMiniProgramLogin' });
  return { stack, template: Template.fromStack(stack) };
};

/** The SSM-typed CloudFormation parameter that reads `name` at deploy time. */
const parameterReading = (template: Template, name: string): string => {
  const parameters = template.toJSON().Parameters as Record<string, { Type: string; Default: string }>;
  const found = Object.entries(parameters).find(([, p]) => p.Default === name);
  expect(found?.[1].Type).toBe('AWS::SSM::Parameter::Value<String>');
  return found![0];
};

describe('examples/orders: another team’s CDK app', () => {
  const outdirs: string[] = [];
  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['GET /orders', 'listOrders'],
    ['GET /orders/{id}', 'getOrder'],
  ] as const)('puts %s behind the login stack’s authorizer, found by stack name', (routeKey, fn) => {
    const { stack, template } = synthOrders();
    const names = exportedParameterNames('WeChatMiniProgramLogin');
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: routeKey,
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: parameterReading(template, names.authorizerId) },
      ApiId: { Ref: parameterReading(template, names.apiId) },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [stack.getLogicalId(stack[fn].node.defaultChild as never), 'Arn'] },
    });
  });

  it('runs GET /orders on Node.js and GET /orders/{id} on Python from a plain asset', () => {
    const { stack, template } = synthOrders();
    const properties = (fn: 'listOrders' | 'getOrder') =>
      template.toJSON().Resources[stack.getLogicalId(stack[fn].node.defaultChild as never)].Properties;
    expect(properties('listOrders')).toMatchObject({ Runtime: 'nodejs24.x', Handler: 'index.handler' });
    expect(properties('getOrder')).toMatchObject({
      Runtime: expect.stringMatching(/^python3\.\d+$/),
      Handler: 'get_order.handler',
      Code: { S3Bucket: expect.anything(), S3Key: expect.stringMatching(/\.zip$/) },
    });
  });

  it('synthesizes from its own folder with its own cdk.json, the Python asset holding only get_order.py', () => {
    const cdkJson = JSON.parse(readFileSync(path.join(ordersDir, 'cdk.json'), 'utf8')) as {
      app: string;
      context: Record<string, unknown>;
    };
    expect(cdkJson.app).toBe('npx tsx app.ts');
    const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-orders-'));
    outdirs.push(outdir);
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ordersDir, 'app.ts')], {
      cwd: ordersDir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson.context, 'aws:cdk:bundling-stacks': [] }),
      },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const template = JSON.parse(readFileSync(path.join(outdir, 'WeChatLoginOrders.template.json'), 'utf8'));
    const routeKeys = Object.values(
      template.Resources as Record<string, { Type: string; Properties: { RouteKey?: string } }>
    )
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => r.Properties.RouteKey)
      .sort();
    expect(routeKeys).toEqual(['GET /orders', 'GET /orders/{id}']);
    const pythonAsset = readdirSync(outdir)
      .filter((entry) => entry.startsWith('asset.'))
      .map((entry) => readdirSync(path.join(outdir, entry)))
      .find((files) => files.includes('get_order.py'));
    expect(pythonAsset).toEqual(['get_order.py']);
  }, 120_000);
});
