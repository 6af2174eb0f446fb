import { CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeployedVariable } from '../functions/shared/runtime/config.js';
import { defaults } from '../functions/shared/contract/defaults.js';
import { AUTHORIZER_FUNCTION, functionNames, routes } from '../functions/shared/contract/routes.js';
import { AppSecret } from './constructs/app-secret.js';
import { BackendFunction } from './constructs/backend-function.js';
import { SessionApi, pascalCase } from './constructs/session-api.js';
import { SessionTable } from './constructs/session-table.js';
import { type FunctionAccess, accessOf, assertAccessCovers, variablesOf } from './function-access.js';
import { sizingOf } from './function-sizing.js';

interface ThrottleLimits {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests API Gateway absorbs at once above the rate. */
  readonly burstLimit: number;
}

interface WeChatLoginStackProps extends StackProps {
  /**
   * The mini program's AppID (`wx` + 16 hex characters). When omitted, the template declares the CloudFormation
   * parameter `WeChatAppId` (no default), so a deploy cannot go ahead without one.
   */
  readonly wechatAppId?: string;
  /** Use this existing secret (complete ARN) for the AppSecret instead of creating an empty one. */
  readonly appSecretArn?: string;
  /** Use the existing secret with this name for the AppSecret instead of creating an empty one. */
  readonly appSecretName?: string;
  /** What happens to the table, the log groups and a created secret when the stack is deleted. Default RETAIN. */
  readonly removalPolicy?: RemovalPolicy;
  /** Idle timeout of a session. Default functions/shared/contract/defaults.ts (7 days). */
  readonly sessionTtlSeconds?: number;
  /** Absolute cap on a session's life from login. Default functions/shared/contract/defaults.ts (30 days). */
  readonly sessionMaxAgeSeconds?: number;
  /** WeChat API host. Default https://api.weixin.qq.com. */
  readonly wechatApiBaseUrl?: string;
  /**
   * How long API Gateway caches the authorizer's answer per session id. Default 0 (no cache): a cached allow
   * outlives logout and expiry by up to this long; no cache costs one authorizer call and one DynamoDB read per
   * protected request. Maximum 1 hour.
   */
  readonly authorizerCacheTtl?: Duration;
  /** Stage default for every route. Default 100 requests/s, burst 200. */
  readonly throttle?: ThrottleLimits;
  /** Tighter limit on POST /login (every route without the authorizer). Default 10 requests/s, burst 20. */
  readonly loginThrottle?: ThrottleLimits;
  /** Retention of the function and access log groups. Default one month. */
  readonly logRetention?: RetentionDays;
  /** Powertools' service name in every log line. Default functions/shared/contract/defaults.ts (`wechat-login`). */
  readonly serviceName?: string;
}

const stackDefaults = {
  authorizerCacheTtl: Duration.seconds(0),
  throttle: { rateLimit: 100, burstLimit: 200 },
  loginThrottle: { rateLimit: 10, burstLimit: 20 },
  logRetention: RetentionDays.ONE_MONTH,
} as const;

const WECHAT_APP_ID_PATTERN = '^wx[0-9a-fA-F]{16}$';
const WECHAT_APP_ID = new RegExp(WECHAT_APP_ID_PATTERN);

const positiveWholeNumber = (name: string, value: number): number => {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number, got ${value}`);
  }
  return value;
};

const validThrottle = (name: string, limits: ThrottleLimits): ThrottleLimits => {
  positiveWholeNumber(`${name}.rateLimit`, limits.rateLimit);
  positiveWholeNumber(`${name}.burstLimit`, limits.burstLimit);
  return limits;
};

/**
 * The whole login backend: the session table, the app secret, one function per entry of
 * functions/shared/contract/routes.ts (plus the authorizer) with least-privilege roles from infra/function-access.ts, and the
 * HTTP API in front of them.
 */
class WeChatLoginStack extends Stack {
  readonly table: Table;
  readonly appSecret: AppSecret;
  /** Function name (routes.ts `fn`) → its construct; tests and later stacks look functions up here. */
  readonly functions: ReadonlyMap<string, BackendFunction>;
  readonly api: SessionApi;

  constructor(scope: Construct, id: string, props: WeChatLoginStackProps) {
    super(scope, id, {
      description: 'WeChat mini program login: session table, login/authorizer Lambdas, HTTP API',
      ...props,
    });

    if (props.wechatAppId !== undefined && !WECHAT_APP_ID.test(props.wechatAppId)) {
      throw new Error(
        `wechatAppId must be the mini program's AppID ("wx" + 16 hex characters), got "${props.wechatAppId}"`
      );
    }
    // Without -c wechatAppId the template still synthesizes, and CloudFormation asks for the AppID at deploy time.
    const wechatAppId =
      props.wechatAppId ??
      new CfnParameter(this, 'WeChatAppId', {
        type: 'String',
        allowedPattern: WECHAT_APP_ID_PATTERN,
        constraintDescription: 'the mini program AppID: "wx" followed by 16 hex characters',
        description: 'The mini program AppID (or pass -c wechatAppId=wx... to cdk deploy)',
      }).valueAsString;
    const sessionTtlSeconds = positiveWholeNumber(
      'sessionTtlSeconds',
      props.sessionTtlSeconds ?? defaults.sessionTtlSeconds
    );
    const sessionMaxAgeSeconds = positiveWholeNumber(
      'sessionMaxAgeSeconds',
      props.sessionMaxAgeSeconds ?? defaults.sessionMaxAgeSeconds
    );
    if (sessionMaxAgeSeconds < sessionTtlSeconds) {
      throw new Error('sessionMaxAgeSeconds must be at least sessionTtlSeconds');
    }
    const authorizerCacheTtl = props.authorizerCacheTtl ?? stackDefaults.authorizerCacheTtl;
    if (authorizerCacheTtl.toSeconds() > 3600) {
      throw new Error('authorizerCacheTtl can be at most 1 hour (API Gateway limit)');
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? stackDefaults.logRetention;

    // Every deployed function must have a reviewed access entry, and every entry a deployed function.
    const names = functionNames();
    assertAccessCovers(names);

    this.table = new SessionTable(this, 'Sessions', { removalPolicy }).table;
    this.appSecret = new AppSecret(this, 'WeChatAppSecret', {
      existingSecretArn: props.appSecretArn,
      existingSecretName: props.appSecretName,
      removalPolicy,
    });

    // A value for every variable functions/shared/runtime/config.ts reads in AWS. Only the secret's ARN: the value is
    // fetched at run time.
    const configValues: Readonly<Record<DeployedVariable, string>> = {
      TABLE_NAME: this.table.tableName,
      WECHAT_APP_ID: wechatAppId,
      WECHAT_APP_SECRET_ARN: this.appSecret.secret.secretArn,
      WECHAT_API_BASE_URL: props.wechatApiBaseUrl ?? defaults.wechatApiBaseUrl,
      SESSION_TTL_SECONDS: String(sessionTtlSeconds),
      SESSION_MAX_AGE_SECONDS: String(sessionMaxAgeSeconds),
    };
    // Each function gets the variables of the config readers its handler calls, and the logger's service name.
    const environmentOf = (access: FunctionAccess): Record<string, string> => ({
      ...Object.fromEntries(variablesOf(access).map((name) => [name, configValues[name]])),
      POWERTOOLS_SERVICE_NAME: props.serviceName ?? defaults.serviceName,
    });

    const functions = new Map<string, BackendFunction>();
    for (const name of names) {
      const access = accessOf(name);
      functions.set(
        name,
        new BackendFunction(this, pascalCase(name), {
          name,
          access,
          sizing: sizingOf(name),
          environment: environmentOf(access),
          table: this.table,
          appSecret: this.appSecret,
          logRetention,
          removalPolicy,
        })
      );
    }
    this.functions = functions;

    const lambdaOf = (name: string): IFunction => {
      const found = functions.get(name);
      if (!found) throw new Error(`No function named "${name}"`);
      return found.fn;
    };

    this.api = new SessionApi(this, 'Api', {
      routes,
      functions: new Map([...functions].map(([name, construct]) => [name, construct.fn])),
      authorizerFunction: lambdaOf(AUTHORIZER_FUNCTION),
      authorizerCacheTtl,
      throttle: validThrottle('throttle', props.throttle ?? stackDefaults.throttle),
      openRouteThrottle: validThrottle('loginThrottle', props.loginThrottle ?? stackDefaults.loginThrottle),
      logRetention,
      removalPolicy,
    });

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the HTTP API (add its host to the mini program request-domain allow-list)',
      value: this.api.stage.url,
    });
    new CfnOutput(this, 'SessionTableName', {
      description: 'DynamoDB session table',
      value: this.table.tableName,
    });
    new CfnOutput(this, 'AppSecretArn', {
      description: 'Secrets Manager secret holding the WeChat AppSecret (put its value once)',
      value: this.appSecret.secret.secretArn,
    });
  }
}

export { WeChatLoginStack, stackDefaults };
export type { ThrottleLimits, WeChatLoginStackProps };
