import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../../functions/shared/contract/defaults.js';
import { type DeployedVariable, deployedVariables } from '../../../functions/shared/contract/deployed-variables.js';
import {
  AUTHORIZER_FUNCTION,
  functionNames,
  routes,
  SESSION_HEADER,
} from '../../../functions/shared/contract/routes.js';
import { sessionTable } from '../../../functions/shared/contract/table.js';
import { stageThrottles } from '../../../functions/shared/contract/throttles.js';
import { readSessionConfig, readWeChatConfig } from '../../../functions/shared/runtime/config.js';
import { accessOf, leadingKeysOf, readsAppSecret, tableActionsOf } from '../../../infra/function-access.js';
import type { WeChatLoginStack } from '../../../infra/stack.js';
import {
  APP_ID,
  actionsOn,
  asArray,
  type Json,
  type Resource,
  refersTo,
  resourcesOf,
  type Statement,
  statementsOf,
  synth,
  tableGrantsIn,
} from '../../support/synth.js';

/*
 * Which function may do what is declared once, in infra/function-access.ts. Whether that map is right is proved
 * where it can be: test/unit/infra/function-access.test.ts (each entry's config readers are the ones its handler
 * calls) and test/integration/infra/function-access.test.ts (the real handlers need every table grant and make no
 * request outside them). This file proves that the stack renders the map: each function's environment, table
 * statements and secret read are derived from its entry, so adding a function (README, "Adding a business Lambda")
 * needs no edit here.
 */

/** The variables a function's entry gives it: those of its config readers, plus the two every function gets. */
const expectedVariables = (fn: string): string[] => [
  ...new Set(accessOf(fn).config.flatMap((reader) => deployedVariables[reader])),
  'POWERTOOLS_SERVICE_NAME',
  'NODE_OPTIONS',
];

/** API Gateway's own limit on a Lambda authorizer's answer. */
const API_GATEWAY_AUTHORIZER_TIMEOUT_SECONDS = 10;

const ids = (stack: WeChatLoginStack, fn: string) => {
  const construct = stack.functions.get(fn);
  if (!construct) throw new Error(`no function ${fn}`);
  return {
    fn: stack.getLogicalId(construct.fn.node.defaultChild as CfnFunction),
    role: stack.getLogicalId(construct.role.node.defaultChild as CfnRole),
    logGroup: stack.getLogicalId(construct.logGroup.node.defaultChild as CfnLogGroup),
  };
};

const logicalIdOfType = (resources: Record<string, Resource>, type: string): string => {
  const found = Object.entries(resources).filter(([, resource]) => resource.Type === type);
  expect(found).toHaveLength(1);
  return found[0]![0];
};

/** What Lambda active tracing grants: X-Ray's two write actions, which take no resource but "*". */
const isXRayWrite = (statement: Statement): boolean =>
  JSON.stringify(asArray(statement.Action).sort()) === '["xray:PutTelemetryRecords","xray:PutTraceSegments"]' &&
  statement.Resource === '*';

const variablesOf = (resources: Record<string, Resource>, fnId: string): Json =>
  (resources[fnId]!.Properties!.Environment as { Variables: Json }).Variables;

describe('the CDK stack', () => {
  let stack: WeChatLoginStack;
  let template: Template;
  let resources: Record<string, Resource>;
  let tableId: string;
  let secretId: string;

  beforeAll(() => {
    ({ stack, template } = synth());
    resources = resourcesOf(template);
    tableId = logicalIdOfType(resources, 'AWS::DynamoDB::Table');
    secretId = logicalIdOfType(resources, 'AWS::SecretsManager::Secret');
  });

  describe('session table', () => {
    it('uses the shared definition: partition key and TTL attribute from functions/shared/contract/table.ts', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: sessionTable.partitionKey.name, KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: sessionTable.partitionKey.name, AttributeType: sessionTable.partitionKey.type },
        ],
        TimeToLiveSpecification: { AttributeName: sessionTable.timeToLiveAttribute, Enabled: true },
      });
      expect(sessionTable.timeToLiveAttribute).toBe('expiresAt');
    });

    it('bills on demand, keeps point-in-time recovery on and encrypts with the AWS-managed key', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
        ProvisionedThroughput: Match.absent(),
      });
    });

    it('is retained on stack deletion by default, with deletion protection', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      });
    });

    it('can be destroyed with a dev stack when the removal policy prop says so', () => {
      const dev = synth({ removalPolicy: RemovalPolicy.DESTROY }).template;
      dev.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
      });
      dev.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    });
  });

  describe('app secret', () => {
    it('is created empty: no SecretString and no generated value in the template', () => {
      const secret = resources[secretId]!;
      expect(secret.Properties).not.toHaveProperty('SecretString');
      expect(secret.Properties).not.toHaveProperty('GenerateSecretString');
      expect(JSON.stringify(template.toJSON())).not.toMatch(/SecretString|GenerateSecretString/);
    });

    it('reaches only the functions that fetch it, and only as its ARN: no WECHAT_APP_SECRET variable anywhere', () => {
      for (const fn of functionNames()) {
        const variables = variablesOf(resources, ids(stack, fn).fn);
        if (readsAppSecret(accessOf(fn))) expect(variables.WECHAT_APP_SECRET_ARN, fn).toEqual({ Ref: secretId });
        else expect(variables, fn).not.toHaveProperty('WECHAT_APP_SECRET_ARN');
        expect(variables, fn).not.toHaveProperty('WECHAT_APP_SECRET');
      }
    });

    it('can be an existing secret named by complete ARN, with no secret created', () => {
      const arn = 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:wechat/app-secret-AbCdEf';
      const { stack: existing, template: existingTemplate } = synth({ appSecretArn: arn });
      existingTemplate.resourceCountIs('AWS::SecretsManager::Secret', 0);
      const login = ids(existing, 'login');
      existingTemplate.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^login:'),
        Environment: { Variables: Match.objectLike({ WECHAT_APP_SECRET_ARN: arn }) },
      });
      const statements = statementsOf(resourcesOf(existingTemplate), login.role);
      expect(statements.filter((s) => asArray(s.Action).includes('secretsmanager:GetSecretValue'))).toEqual([
        { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: arn },
      ]);
      existingTemplate.hasOutput('AppSecretArn', { Value: arn });
    });

    it('can be an existing secret named by name, granted with the suffix Secrets Manager appends', () => {
      const { stack: existing, template: existingTemplate } = synth({ appSecretName: 'wechat/app-secret' });
      existingTemplate.resourceCountIs('AWS::SecretsManager::Secret', 0);
      const statements = statementsOf(resourcesOf(existingTemplate), ids(existing, 'login').role);
      const secretRead = statements.find((s) => asArray(s.Action).includes('secretsmanager:GetSecretValue'));
      expect(JSON.stringify(secretRead?.Resource)).toContain(':secret:wechat/app-secret-??????');
    });
  });

  describe('functions', () => {
    it('deploys exactly one function per name in functions/shared/contract/routes.ts, the authorizer included', () => {
      expect(functionNames()).toContain(AUTHORIZER_FUNCTION);
      template.resourceCountIs('AWS::Lambda::Function', functionNames().length);
      expect([...stack.functions.keys()].sort()).toEqual([...functionNames()].sort());
      for (const fn of functionNames()) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          Description: `${fn}: functions/${fn}/handler.ts`,
        });
      }
    });

    it('runs every function on nodejs24.x, arm64, as an ES module bundle (index.mjs → handler)', () => {
      template.allResourcesProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    });

    it('gives each function only the configuration its handler reads, and nothing secret', () => {
      const values: Record<DeployedVariable | 'POWERTOOLS_SERVICE_NAME' | 'NODE_OPTIONS', unknown> = {
        TABLE_NAME: { Ref: tableId },
        WECHAT_APP_IDS: APP_ID,
        MAX_SESSIONS_PER_USER: String(defaults.maxSessionsPerUser),
        WECHAT_APP_SECRET_ARN: { Ref: secretId },
        WECHAT_API_BASE_URLS: defaults.wechatApiBaseUrls.join(','),
        SESSION_TTL_SECONDS: String(defaults.sessionTtlSeconds),
        SESSION_MAX_AGE_SECONDS: String(defaults.sessionMaxAgeSeconds),
        LOGIN_LIMIT_PER_IP_PER_MINUTE: String(defaults.loginLimitPerIpPerMinute),
        PHONE_LIMIT_PER_USER_PER_DAY: String(defaults.phoneLimitPerUserPerDay),
        POWERTOOLS_SERVICE_NAME: defaults.serviceName,
        NODE_OPTIONS: '--enable-source-maps',
      };
      for (const fn of functionNames()) {
        expect(variablesOf(resources, ids(stack, fn).fn), fn).toEqual(
          Object.fromEntries(expectedVariables(fn).map((name) => [name, values[name as keyof typeof values]]))
        );
      }
    });

    it('names the service from the serviceName prop', () => {
      synth({ serviceName: 'shop-login' }).template.allResourcesProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'shop-login' }) },
      });
    });

    it('gives functions a configuration that functions/shared/runtime/config.ts accepts as the deployed (Secrets Manager) setup', () => {
      const variables = (resources[ids(stack, 'login').fn]!.Properties!.Environment as { Variables: Json }).Variables;
      const resolved: Record<string, string> = {};
      for (const [name, value] of Object.entries(variables)) {
        resolved[name] = typeof value === 'string' ? value : `resolved-${name}`;
      }
      resolved.WECHAT_APP_SECRET_ARN = 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:x-AbCdEf';
      expect(readSessionConfig(resolved)).toMatchObject({
        sessionTtlSeconds: defaults.sessionTtlSeconds,
        sessionMaxAgeSeconds: defaults.sessionMaxAgeSeconds,
      });
      expect(readSessionConfig(resolved)).not.toHaveProperty('dynamodbEndpoint');
      expect(readWeChatConfig(resolved)).toMatchObject({
        appIds: [APP_ID],
        appSecrets: { kind: 'secretsManager', arn: resolved.WECHAT_APP_SECRET_ARN },
      });
    });

    it('gives every function that reads AppIDs the whole list, comma-separated, and login the session limit', () => {
      const apps = ['wx0123456789abcdef', 'wxfedcba9876543210'];
      const custom = synth({ wechatAppIds: apps, maxSessionsPerUser: 4 }).template;
      const functions = Object.values(resourcesOf(custom)).filter((r) => r.Type === 'AWS::Lambda::Function');
      const values = (name: string) =>
        functions.flatMap((r) => {
          const value = (r.Properties!.Environment as { Variables: Json }).Variables[name];
          return value === undefined ? [] : [value];
        });
      expect(values('WECHAT_APP_IDS').length).toBeGreaterThanOrEqual(4);
      expect(new Set(values('WECHAT_APP_IDS'))).toEqual(new Set([apps.join(',')]));
      expect(values('MAX_SESSIONS_PER_USER')).toEqual(['4']);
    });

    it.each([
      [{ wechatAppIds: [] }, /at least one/],
      [{ wechatAppIds: ['wx0123456789abcdef', 'wx0123456789abcdef'] }, /twice/],
      [{ wechatAppIds: ['wx0123456789abcdef', 'wxnothex'] }, /wechatAppIds.*wxnothex/],
      [{ wechatAppIds: ['wx0123456789abcdef'], wechatAppId: 'wx0123456789abcdef' }, /not both/],
      [{ maxSessionsPerUser: 0 }, /maxSessionsPerUser/],
      [{ maxSessionsPerUser: 91 }, /maxSessionsPerUser/],
    ])('refuses %j at synth, naming the setting', (props, message) => {
      expect(() => synth(props as never)).toThrow(message);
    });

    it('passes session and WeChat settings from props into the environment', () => {
      const custom = synth({
        sessionTtlSeconds: 3600,
        sessionMaxAgeSeconds: 86400,
        wechatApiBaseUrl: 'https://hk.api.weixin.qq.com',
        loginLimitPerIpPerMinute: 30,
      }).template;
      const settings: Record<string, string> = {
        SESSION_TTL_SECONDS: '3600',
        SESSION_MAX_AGE_SECONDS: '86400',
        WECHAT_API_BASE_URLS: 'https://hk.api.weixin.qq.com',
        LOGIN_LIMIT_PER_IP_PER_MINUTE: '30',
      };
      const functions = Object.values(resourcesOf(custom)).filter((r) => r.Type === 'AWS::Lambda::Function');
      for (const [name, value] of Object.entries(settings)) {
        const given = functions.map((r) => (r.Properties!.Environment as { Variables: Json }).Variables[name]);
        expect(given.filter((v) => v !== undefined).length, name).toBeGreaterThan(0);
        expect(
          given.filter((v) => v !== undefined && v !== value),
          name
        ).toEqual([]);
      }
    });

    it('bounds the authorizer well under API Gateway’s authorizer timeout and gives login room for a WeChat retry', () => {
      const timeoutOf = (fn: string) => resources[ids(stack, fn).fn]!.Properties!.Timeout as number;
      expect(timeoutOf('authorizer')).toBeLessThanOrEqual(API_GATEWAY_AUTHORIZER_TIMEOUT_SECONDS / 2);
      expect(timeoutOf('login') * 1000).toBeGreaterThan(2 * defaults.wechatTimeoutMs + defaults.wechatBusyRetryDelayMs);
      expect(timeoutOf('login')).toBeLessThan(29);
      template.allResourcesProperties('AWS::Lambda::Function', { MemorySize: Match.anyValue() });
    });

    it('gives each function its own log group with a retention period', () => {
      const logGroups = new Set<string>();
      for (const fn of functionNames()) {
        const { fn: fnId, logGroup } = ids(stack, fn);
        expect(resources[fnId]!.Properties!.LoggingConfig).toEqual({ LogGroup: { Ref: logGroup } });
        expect(resources[logGroup]!.Properties!.RetentionInDays).toBe(30);
        logGroups.add(logGroup);
      }
      expect(logGroups.size).toBe(functionNames().length);
    });
  });

  describe('least privilege', () => {
    it('grants every deployed function exactly the table grants of its infra/function-access.ts entry', () => {
      for (const fn of functionNames()) {
        const access = accessOf(fn);
        const statements = statementsOf(resources, ids(stack, fn).role);
        expect([...new Set(actionsOn(statements, tableId))].sort(), fn).toEqual(tableActionsOf(access));
        // As action × key pattern pairs: CDK merges statements whose conditions are the same (same attributes).
        const pairs = (grants: { actions: string[]; leadingKeys: string[] }[]) =>
          [...new Set(grants.flatMap((g) => g.actions.flatMap((a) => g.leadingKeys.map((k) => `${a} ${k}`))))].sort();
        const declared = access.table.map((grant) => ({
          actions: [...grant.actions],
          leadingKeys: leadingKeysOf(grant),
        }));
        expect(pairs(tableGrantsIn(statements, tableId)), fn).toEqual(pairs(declared));
      }
    });

    it('conditions every table statement on key prefixes, named attributes, projected reads and nothing returned', () => {
      for (const fn of functionNames()) {
        for (const statement of statementsOf(resources, ids(stack, fn).role)) {
          if (!refersTo(statement.Resource, tableId)) continue;
          // Login's code replay records are the one kind without attribute conditions (their whole item is login's).
          const patterns = asArray(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']);
          if (patterns.length === 1 && patterns[0] === `${sessionTable.keyPrefixes.loginCode}*`) continue;
          expect(Object.keys(statement.Condition ?? {}).sort(), fn).toEqual([
            'ForAllValues:StringEquals',
            'ForAllValues:StringLike',
            'StringEqualsIfExists',
          ]);
          const attributes = asArray(statement.Condition!['ForAllValues:StringEquals']!['dynamodb:Attributes']);
          expect(attributes, fn).toContain(sessionTable.partitionKey.name);
          expect(statement.Condition!.StringEqualsIfExists, fn).toEqual({
            'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
            'dynamodb:ReturnValues': 'NONE',
          });
          expect(Object.keys(statement.Condition!['ForAllValues:StringLike']!), fn).toEqual(['dynamodb:LeadingKeys']);
          for (const pattern of asArray(statement.Condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys'])) {
            expect(
              Object.values(sessionTable.keyPrefixes).map((prefix) => `${prefix}*`),
              fn
            ).toContain(pattern);
          }
        }
      }
    });

    it('lets only the functions whose entry reads the WeChat config read the app secret, only with GetSecretValue', () => {
      const readers = functionNames().filter((fn) => readsAppSecret(accessOf(fn)));
      expect(readers.length).toBeGreaterThan(0);
      for (const fn of functionNames()) {
        const statements = statementsOf(resources, ids(stack, fn).role);
        const secretActions = statements
          .flatMap((s) => asArray(s.Action))
          .filter((a) => a.startsWith('secretsmanager:'));
        const expected = readers.includes(fn) ? ['secretsmanager:GetSecretValue'] : [];
        expect(secretActions, fn).toEqual(expected);
        expect(actionsOn(statements, secretId), fn).toEqual(expected);
      }
    });

    it('grants nothing else: log writes to its own log group, the table actions, the secret read, X-Ray writes', () => {
      for (const fn of functionNames()) {
        const { role, logGroup } = ids(stack, fn);
        const statements = statementsOf(resources, role);
        expect(actionsOn(statements, logGroup)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
        const accounted = statements.filter(
          (s) =>
            refersTo(s.Resource, logGroup) ||
            refersTo(s.Resource, tableId) ||
            refersTo(s.Resource, secretId) ||
            isXRayWrite(s)
        );
        expect(accounted).toEqual(statements);
        expect(resources[role]!.Properties!.ManagedPolicyArns).toBeUndefined();
      }
    });

    it('has no wildcard action, and no wildcard resource but the X-Ray writes tracing needs', () => {
      const documents = Object.values(resources).flatMap((resource) => {
        if (resource.Type === 'AWS::IAM::Policy') return [resource.Properties!.PolicyDocument];
        if (resource.Type === 'AWS::IAM::Role') {
          return asArray(resource.Properties!.Policies as { PolicyDocument: unknown }[]).map((p) => p.PolicyDocument);
        }
        return [];
      }) as { Statement: Statement[] }[];
      expect(documents.length).toBeGreaterThan(0);
      for (const statement of documents.flatMap((document) => document.Statement)) {
        for (const action of asArray(statement.Action)) expect(action).not.toContain('*');
        if (isXRayWrite(statement)) continue;
        for (const resource of asArray(statement.Resource)) expect(resource).not.toBe('*');
      }
    });
  });

  describe('HTTP API', () => {
    it('uses a REQUEST authorizer with simple responses, payload 2.0 and the session header as identity source', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'REQUEST',
        EnableSimpleResponses: true,
        AuthorizerPayloadFormatVersion: '2.0',
        IdentitySource: ['$request.header.X-Session-Id'],
      });
      expect(SESSION_HEADER).toBe('X-Session-Id');
      const authorizer = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer')!;
      expect(refersTo(authorizer.Properties!.AuthorizerUri, ids(stack, AUTHORIZER_FUNCTION).fn)).toBe(true);
    });

    it('caches authorizer answers for the TTL prop, 0 (no cache) by default', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
      synth({ authorizerCacheTtl: Duration.minutes(5) }).template.hasResourceProperties(
        'AWS::ApiGatewayV2::Authorizer',
        { AuthorizerResultTtlInSeconds: 300 }
      );
    });

    it('creates exactly the routes of functions/shared/contract/routes.ts', () => {
      const routeKeys = Object.values(resources)
        .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
        .map((r) => r.Properties!.RouteKey);
      expect(routeKeys.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
      expect(routeKeys).toEqual(expect.arrayContaining(['POST /login', 'GET /me', 'GET /products', 'POST /logout']));
    });

    it.each([
      ['POST /login', false],
      ['GET /me', true],
      ['GET /products', true],
      ['POST /logout', true],
    ])('%s authorized by the session authorizer: %s', (routeKey, authorized) => {
      const authorizerId = logicalIdOfType(resources, 'AWS::ApiGatewayV2::Authorizer');
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: authorized ? 'CUSTOM' : 'NONE',
        AuthorizerId: authorized ? { Ref: authorizerId } : Match.absent(),
      });
    });

    it('sends each route to its own function with payload format 2.0', () => {
      for (const route of routes) {
        const routeResource = Object.values(resources).find(
          (r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties!.RouteKey === `${route.method} ${route.path}`
        )!;
        const integrationId = Object.entries(resources).find(
          ([id, r]) => r.Type === 'AWS::ApiGatewayV2::Integration' && refersTo(routeResource.Properties!.Target, id)
        )![0];
        expect(resources[integrationId]!.Properties).toMatchObject({
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: { 'Fn::GetAtt': [ids(stack, route.fn).fn, 'Arn'] },
        });
      }
    });

    it('throttles the default stage from props and POST /login tighter', () => {
      const stage = () => Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
      const { DefaultRouteSettings, RouteSettings, StageName, AutoDeploy } = stage().Properties as {
        DefaultRouteSettings: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };
        RouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
        StageName: string;
        AutoDeploy: boolean;
      };
      expect({ StageName, AutoDeploy }).toEqual({ StageName: '$default', AutoDeploy: true });
      expect(DefaultRouteSettings).toMatchObject({
        ThrottlingRateLimit: stageThrottles.default.rateLimit,
        ThrottlingBurstLimit: stageThrottles.default.burstLimit,
      });
      const login = RouteSettings['POST /login']!;
      expect(login.ThrottlingRateLimit).toBeLessThan(DefaultRouteSettings.ThrottlingRateLimit);
      expect(login.ThrottlingBurstLimit).toBeLessThan(DefaultRouteSettings.ThrottlingBurstLimit);
      expect(Object.keys(RouteSettings)).toEqual(['POST /login']);
      // RouteSettings name routes by key: the stage must wait for the route to exist.
      const loginRouteId = Object.entries(resources).find(
        ([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties!.RouteKey === 'POST /login'
      )![0];
      expect(stage().DependsOn).toContain(loginRouteId);

      synth({
        throttle: { rateLimit: 500, burstLimit: 1000 },
        loginThrottle: { rateLimit: 25, burstLimit: 50 },
      }).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
        RouteSettings: { 'POST /login': { ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 } },
      });
    });

    it('writes JSON access logs without headers to a log group with retention', () => {
      const stage = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
      const settings = stage.Properties!.AccessLogSettings as { DestinationArn: unknown; Format: string };
      const logGroupId = (settings.DestinationArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
      const format = JSON.parse(settings.Format) as Record<string, string>;
      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
      expect(settings.Format).not.toMatch(/header|authorizer\.openid|X-Session-Id/i);
    });
  });

  describe('outputs', () => {
    it('exports the API id, authorizer id and URL, the table name, the secret ARN and the alarm topic, and nothing else', () => {
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(Object.keys(outputs).sort()).toEqual([
        'AlarmTopicArn',
        'ApiId',
        'ApiUrl',
        'AppSecretArn',
        'AuthorizerId',
        'SessionTableName',
      ]);
      expect(outputs.SessionTableName!.Value).toEqual({ Ref: tableId });
      expect(outputs.AppSecretArn!.Value).toEqual({ Ref: secretId });
      expect(outputs.ApiId!.Value).toEqual({ Ref: logicalIdOfType(resources, 'AWS::ApiGatewayV2::Api') });
      expect(outputs.AuthorizerId!.Value).toEqual({ Ref: logicalIdOfType(resources, 'AWS::ApiGatewayV2::Authorizer') });
      expect(JSON.stringify(outputs.ApiUrl!.Value)).toContain('.execute-api.');
    });
  });

  describe('props', () => {
    it.each(['', 'wx123', 'not-an-app-id', 'wx1234567890abcdeg'])('refuses wechatAppId %j', (wechatAppId) => {
      expect(() => synth({ wechatAppId })).toThrow(/wechatAppId/);
    });

    it('refuses a session max age shorter than the idle timeout and a cache TTL over an hour', () => {
      expect(() => synth({ sessionTtlSeconds: 7200, sessionMaxAgeSeconds: 3600 })).toThrow(/sessionMaxAgeSeconds/);
      expect(() => synth({ authorizerCacheTtl: Duration.hours(2) })).toThrow(/1 hour/);
    });
  });
});
