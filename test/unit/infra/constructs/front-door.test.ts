import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  ORIGIN_VERIFY_HEADER,
  ORIGIN_VERIFY_STAGE_VARIABLE,
} from '../../../../functions/shared/contract/front-door.js';
import { repoRoot } from '../../../../infra/bundling.js';
import { FrontDoorWebAcl } from '../../../../infra/constructs/front-door-web-acl.js';
import { WeChatLoginFrontDoorWafStack } from '../../../../infra/front-door-waf-stack.js';
import { addLoginStacks } from '../../../../infra/login-app.js';
import type { WeChatLoginStack } from '../../../../infra/stack.js';
import { ValidationError } from '../../../../infra/validation-error.js';
import { APP_ID, type Resource, resourcesOf } from '../../../support/synth.js';

const DEPLOY_ENV = { CDK_DEFAULT_REGION: 'ap-east-1', CDK_DEFAULT_ACCOUNT: '123456789012' };

/** The app as `cdk synth -c frontDoor=true` builds it, without bundling. */
const frontDoorApp = (context: Record<string, unknown> = { frontDoor: 'true' }, env = DEPLOY_ENV) => {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { 'aws:cdk:bundling-stacks': [], wechatAppId: APP_ID, ...context },
  });
  addLoginStacks(app, env);
  const stacks = app.node.children.filter((child): child is Stack => Stack.isStack(child));
  const login = stacks.find((stack) => stack.stackName === 'WeChatMiniProgramLogin') as WeChatLoginStack;
  const waf = stacks.find((stack) => stack instanceof WeChatLoginFrontDoorWafStack);
  return { app, login, waf, loginTemplate: Template.fromStack(login) };
};

const only = (template: Template, type: string): Resource => {
  const found = Object.values(resourcesOf(template)).filter((r) => r.Type === type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

const idOf = (template: Template, type: string): string =>
  Object.entries(resourcesOf(template)).find(([, r]) => r.Type === type)![0];

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON read in assertions
type Json = any;
type Rule = { Name: string; Statement: Record<string, Json>; Action?: unknown; OverrideAction?: unknown };
const rulesOf = (template: Template): Rule[] => only(template, 'AWS::WAFv2::WebACL').Properties!.Rules as Rule[];

/** `cdk synth -c frontDoor=true` as the CLI runs infra/app.ts: cdk-nag and CloudFormation schema validation on. */
const synthAppWithFrontDoor = () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-front-door-'));
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'infra/app.ts')], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CDK_OUTDIR: outdir,
      CDK_DEFAULT_REGION: 'ap-east-1',
      CDK_CONTEXT_JSON: JSON.stringify({
        '@aws-cdk/core:validateAgainstDefaultRules': true,
        'aws:cdk:bundling-stacks': [],
        frontDoor: 'true',
        wechatAppId: APP_ID,
      }),
    },
  });
  rmSync(outdir, { recursive: true, force: true });
  return run;
};

describe('the WAF front door (-c frontDoor=true)', () => {
  it('synthesizes as the CDK CLI runs the app, passing cdk-nag and CloudFormation schema validation', () => {
    const run = synthAppWithFrontDoor();
    expect(run.stderr).not.toMatch(/AwsSolutions-|CloudFormation Validate|ERROR/);
    expect(run.status).toBe(0);
  }, 180_000);

  it('puts a CLOUDFRONT-scope web ACL in a companion stack in us-east-1, deployed before the login stack', () => {
    const { waf, login } = frontDoorApp();
    expect(waf?.region).toBe('us-east-1');
    expect(login.region).toBe('ap-east-1');
    expect(only(Template.fromStack(waf!), 'AWS::WAFv2::WebACL').Properties).toMatchObject({
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
    });
    expect(login.dependencies).toContain(waf);
  });

  it('tags the companion WAF stack with -c tags, as the login stack', () => {
    const { waf, login } = frontDoorApp({ frontDoor: 'true', tags: 'team=identity,env=prod' });
    expect(waf?.tags.tagValues()).toEqual({ team: 'identity', env: 'prod' });
    expect(login.tags.tagValues()).toEqual({ team: 'identity', env: 'prod' });
  });

  it('rate-limits each client IP on POST /login tighter than on every route', () => {
    const rules = rulesOf(Template.fromStack(frontDoorApp().waf!));
    const rate = (name: string) => rules.find((rule) => rule.Name === name)!.Statement.RateBasedStatement;
    const login = rate('LoginPerIp');
    const all = rate('AllRoutesPerIp');
    expect(login.AggregateKeyType).toBe('IP');
    expect(all.AggregateKeyType).toBe('IP');
    expect(login.Limit).toBeLessThan(all.Limit);
    expect(all.ScopeDownStatement).toBeUndefined();
    const scope = JSON.stringify(login.ScopeDownStatement);
    expect(scope).toContain('"Method":{}');
    expect(scope).toContain('"SearchString":"POST"');
    expect(scope).toContain('"SearchString":"/login"');
    for (const name of ['LoginPerIp', 'AllRoutesPerIp']) {
      expect(rules.find((rule) => rule.Name === name)!.Action).toMatchObject({
        Block: { CustomResponse: { ResponseCode: 429 } },
      });
    }
  });

  it('answers a client over a rate rule 429 {"message":"Too Many Requests"}, like a stage throttle', () => {
    const acl = only(Template.fromStack(frontDoorApp().waf!), 'AWS::WAFv2::WebACL').Properties!;
    const key = rulesOf(Template.fromStack(frontDoorApp().waf!))[1]!.Action as Json;
    expect(acl.CustomResponseBodies).toEqual({
      [key.Block.CustomResponse.CustomResponseBodyKey]: {
        ContentType: 'APPLICATION_JSON',
        Content: '{"message":"Too Many Requests"}',
      },
    });
  });

  it("includes AWS's managed IP reputation rule group", () => {
    const reputation = rulesOf(Template.fromStack(frontDoorApp().waf!)).find(
      (rule) => rule.Statement.ManagedRuleGroupStatement
    );
    expect(reputation?.Statement.ManagedRuleGroupStatement).toEqual({
      VendorName: 'AWS',
      Name: 'AWSManagedRulesAmazonIpReputationList',
    });
    expect(reputation?.OverrideAction).toEqual({ None: {} });
  });

  it('associates the web ACL with a CloudFront distribution whose origin is the HTTP API, uncached', () => {
    const { loginTemplate } = frontDoorApp();
    const config = only(loginTemplate, 'AWS::CloudFront::Distribution').Properties!.DistributionConfig as Record<
      string,
      Json
    >;
    expect(JSON.stringify(config.WebACLId)).toContain('FrontDoorWebAcl');
    const apiId = idOf(loginTemplate, 'AWS::ApiGatewayV2::Api');
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].DomainName).toEqual({
      'Fn::Join': ['', [{ Ref: apiId }, '.execute-api.ap-east-1.', { Ref: 'AWS::URLSuffix' }]],
    });
    expect(config.Origins[0].CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      AllowedMethods: expect.arrayContaining(['GET', 'POST', 'DELETE']),
    });
  });

  describe('closes the bypass (calling the execute-api URL directly)', () => {
    it('has CloudFront send the origin header with a Secrets Manager dynamic reference, never a value', () => {
      const { loginTemplate } = frontDoorApp();
      const resources = resourcesOf(loginTemplate);
      const [secretId, secret] = Object.entries(resources).find(
        ([, r]) => r.Type === 'AWS::SecretsManager::Secret' && r.Properties!.GenerateSecretString
      )!;
      expect(secret.Properties!.SecretString).toBeUndefined();
      const config = only(loginTemplate, 'AWS::CloudFront::Distribution').Properties!.DistributionConfig as Json;
      expect(config.Origins[0].OriginCustomHeaders).toEqual([
        {
          HeaderName: ORIGIN_VERIFY_HEADER,
          HeaderValue: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] },
        },
      ]);
    });

    it('gives the stage the same reference as a stage variable for the authorizer and login to compare with', () => {
      const { loginTemplate } = frontDoorApp();
      const config = only(loginTemplate, 'AWS::CloudFront::Distribution').Properties!.DistributionConfig as Json;
      const stage = only(loginTemplate, 'AWS::ApiGatewayV2::Stage').Properties!;
      expect(stage.StageVariables).toEqual({
        [ORIGIN_VERIFY_STAGE_VARIABLE]: config.Origins[0].OriginCustomHeaders[0].HeaderValue,
      });
    });

    it("makes the origin header part of the authorizer's identity source, so API Gateway refuses requests without it", () => {
      const { loginTemplate } = frontDoorApp();
      expect(only(loginTemplate, 'AWS::ApiGatewayV2::Authorizer').Properties!.IdentitySource).toEqual([
        '$request.header.X-Session-Id',
        `$request.header.${ORIGIN_VERIFY_HEADER}`,
      ]);
    });

    it('puts the origin secret in no Lambda environment and no output', () => {
      const { loginTemplate } = frontDoorApp();
      const template = loginTemplate.toJSON();
      const environments = Object.values(resourcesOf(loginTemplate))
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map((r) => JSON.stringify(r.Properties!.Environment ?? {}));
      for (const environment of environments) expect(environment).not.toMatch(/OriginVerify|secretsmanager/);
      expect(JSON.stringify(template.Outputs)).not.toMatch(/OriginVerify|resolve:secretsmanager/);
    });
  });

  it('outputs the CloudFront URL as FrontDoorUrl, and as ApiUrl: the URL clients call', () => {
    const { loginTemplate } = frontDoorApp();
    const outputs = loginTemplate.toJSON().Outputs as Record<string, { Value: unknown }>;
    const distribution = idOf(loginTemplate, 'AWS::CloudFront::Distribution');
    const url = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/']] };
    expect(outputs.FrontDoorUrl!.Value).toEqual(url);
    expect(outputs.ApiUrl!.Value).toEqual(url);
  });

  it('is off by default: one stack, no distribution, no stage variable', () => {
    const { app, loginTemplate } = frontDoorApp({});
    expect(app.node.children.filter((child) => Stack.isStack(child))).toHaveLength(1);
    loginTemplate.resourceCountIs('AWS::CloudFront::Distribution', 0);
    expect(only(loginTemplate, 'AWS::ApiGatewayV2::Stage').Properties!.StageVariables).toBeUndefined();
  });

  it('passes cdk-nag in both stacks, acknowledging only findings with reasons', () => {
    const { login, waf } = frontDoorApp();
    for (const stack of [login, waf!]) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      const findings = report.violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`
      );
      expect(findings, stack.stackName).toEqual([]);
    }
  });

  it('refuses a frontDoor context value other than true or false', () => {
    expect(() => frontDoorApp({ frontDoor: 'yes' })).toThrow(/frontDoor must be true or false/);
  });

  it('synthesizes offline without a configured region, for us-east-1, with a warning', () => {
    const { login, waf, loginTemplate } = frontDoorApp({ frontDoor: 'true' }, {} as typeof DEPLOY_ENV);
    expect(login.region).toBe('us-east-1');
    expect(waf?.region).toBe('us-east-1');
    loginTemplate.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const warnings = login.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning').map((e) => String(e.data));
    expect(warnings.join('\n')).toMatch(/no region configured/);
  });

  it('refuses a web ACL outside us-east-1, and rate limits WAF would reject, naming the construct', () => {
    const app = new App();
    const elsewhere = new Stack(app, 'Elsewhere', { env: { region: 'ap-east-1' } });
    expect(() => new FrontDoorWebAcl(elsewhere, 'Acl')).toThrow(ValidationError);
    const east = new Stack(app, 'East', { env: { region: 'us-east-1' } });
    expect(() => new FrontDoorWebAcl(east, 'Acl', { loginRequestsPer5Minutes: 5 })).toThrow(
      /\[East\/Acl\] loginRequestsPer5Minutes must be/
    );
  });
});
