import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { stageThrottles } from '../../../functions/shared/contract/throttles.js';
import { repoRoot } from '../../../infra/bundling.js';
import { settingsFromContext } from '../../../infra/context.js';

const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as {
  app: string;
  context: Record<string, unknown>;
};

/** The part of a synthesized Lambda function this file reads. */
interface LambdaResource {
  Type: string;
  Properties: { Environment?: { Variables?: Record<string, unknown> } };
}

const contextOf = (context: Record<string, unknown>) => new App({ context }).node;

describe('the CDK app (infra/app.ts, as cdk.json runs it)', () => {
  const outdirs: string[] = [];
  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the app the way the CDK CLI does (context and output folder through the environment), without bundling. */
  const runApp = (context: Record<string, unknown>) => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-app-'));
    outdirs.push(outdir);
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'infra/app.ts')], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CDK_OUTDIR: outdir,
        // cdk.json's context is the CLI's to merge; pass the part that matters here ourselves.
        CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context }),
      },
    });
    return { ...result, outdir };
  };

  it('synthesizes offline, with no AWS credentials, passing cdk-nag and CloudFormation schema validation', () => {
    const { status, stderr, outdir } = runApp({ wechatAppId: 'wx1234567890abcdef' });
    expect(stderr).not.toMatch(/AwsSolutions-|Serverless-/);
    expect(status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const violations = (report.pluginReports as { violations?: unknown[] }[]).flatMap((r) => r.violations ?? []);
    expect(violations).toEqual([]);
    const template = JSON.parse(readFileSync(path.join(outdir, 'WeChatMiniProgramLogin.template.json'), 'utf8'));
    expect(Object.keys(template.Outputs).sort()).toEqual([
      'AlarmTopicArn',
      'ApiId',
      'ApiUrl',
      'AppSecretArn',
      'AuthorizerId',
      'SessionTableName',
    ]);
  }, 60_000);

  it('is what cdk.json runs, and cdk.json makes CloudFormation schema errors fail the synth', () => {
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');
    expect(cdkJson.context['@aws-cdk/core:validateAgainstDefaultRules']).toBe(true);
  });

  it('synthesizes without the WeChat AppID, leaving CloudFormation to require it as the WeChatAppId parameter', () => {
    const { status, outdir } = runApp({});
    expect(status).toBe(0);
    const template = JSON.parse(readFileSync(path.join(outdir, 'WeChatMiniProgramLogin.template.json'), 'utf8'));
    expect(template.Parameters.WeChatAppId).toMatchObject({ Type: 'String', AllowedPattern: '^wx[0-9a-fA-F]{16}$' });
    expect(template.Parameters.WeChatAppId.Default).toBeUndefined();
    const functions = Object.values(template.Resources as Record<string, LambdaResource>).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function'
    );
    const appIds = functions.map((fn) => fn.Properties.Environment?.Variables?.WECHAT_APP_IDS).filter(Boolean);
    expect(appIds.length).toBeGreaterThan(0);
    for (const appId of appIds) expect(appId).toEqual({ Ref: 'WeChatAppId' });
  }, 60_000);
});

describe('stack settings from CDK context', () => {
  it('leaves wechatAppId to the deploy-time parameter when the context has none', () => {
    expect(settingsFromContext(contextOf({})).props.wechatAppId).toBeUndefined();
  });

  it('reads several AppIDs from -c wechatAppIds=wxA,wxB (or an array in cdk.json), and maxSessionsPerUser', () => {
    const apps = ['wx1234567890abcdef', 'wxfedcba0987654321'];
    expect(settingsFromContext(contextOf({ wechatAppIds: ` ${apps.join(' , ')} ` })).props.wechatAppIds).toEqual(apps);
    expect(settingsFromContext(contextOf({ wechatAppIds: apps })).props.wechatAppIds).toEqual(apps);
    expect(settingsFromContext(contextOf({ maxSessionsPerUser: '4' })).props.maxSessionsPerUser).toBe(4);
    expect(() => settingsFromContext(contextOf({ maxSessionsPerUser: 'ten' }))).toThrow(/maxSessionsPerUser/);
  });

  it('defaults to a retained, uncached, default-throttled stack named WeChatMiniProgramLogin', () => {
    const { stackName, props } = settingsFromContext(contextOf({ wechatAppId: 'wx1234567890abcdef' }));
    expect(stackName).toBe('WeChatMiniProgramLogin');
    expect(props).toMatchObject({
      wechatAppId: 'wx1234567890abcdef',
      removalPolicy: RemovalPolicy.RETAIN,
      throttle: stageThrottles.default,
      loginThrottle: stageThrottles.openRoutes,
    });
    expect(props.authorizerCacheTtl).toBeUndefined();
  });

  it('reads every tunable from -c strings', () => {
    const { stackName, props } = settingsFromContext(
      contextOf({
        stackName: 'WeChatLoginDev',
        wechatAppId: 'wx1234567890abcdef',
        appSecretName: 'wechat/dev',
        retainData: 'false',
        sessionTtlSeconds: '3600',
        sessionMaxAgeSeconds: '86400',
        wechatApiBaseUrl: 'https://hk.api.weixin.qq.com',
        authorizerCacheTtlSeconds: '60',
        throttleRateLimit: '50',
        throttleBurstLimit: '80',
        loginThrottleRateLimit: '5',
        loginThrottleBurstLimit: '8',
        loginLimitPerIpPerMinute: '30',
        phoneLimitPerUserPerDay: '4',
        logRetentionDays: '14',
      })
    );
    expect(stackName).toBe('WeChatLoginDev');
    expect(props).toMatchObject({
      appSecretName: 'wechat/dev',
      removalPolicy: RemovalPolicy.DESTROY,
      sessionTtlSeconds: 3600,
      sessionMaxAgeSeconds: 86400,
      wechatApiBaseUrl: 'https://hk.api.weixin.qq.com',
      throttle: { rateLimit: 50, burstLimit: 80 },
      loginThrottle: { rateLimit: 5, burstLimit: 8 },
      loginLimitPerIpPerMinute: 30,
      phoneLimitPerUserPerDay: 4,
      logRetention: RetentionDays.TWO_WEEKS,
    });
    expect(props.authorizerCacheTtl?.toSeconds()).toBe(60);
  });

  it.each([
    ['throttleRateLimit', 'fast'],
    ['sessionTtlSeconds', '-5'],
    ['retainData', 'maybe'],
    ['logRetentionDays', '13'],
    ['loginLimitPerIpPerMinute', '0'],
    ['phoneLimitPerUserPerDay', 'ten'],
  ])('refuses %s=%s', (key, value) => {
    expect(() => settingsFromContext(contextOf({ wechatAppId: 'wx1234567890abcdef', [key]: value }))).toThrow(key);
  });
});
