import type { Environment } from 'aws-cdk-lib';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { ThrottleLimits } from '../functions/shared/contract/throttles.js';
import { wholeNumberOf } from '../functions/shared/contract/whole-number.js';
import type { WeChatLoginStackProps } from './stack.js';
import { stackDefaults } from './stack-defaults.js';

/**
 * Reads the stack's props from CDK context (`-c key=value` or cdk.json), so ops tune a deployment without editing
 * code. Every key is optional except wechatAppId; values from the command line arrive as strings.
 */
const DEFAULT_STACK_NAME = 'WeChatMiniProgramLogin';

const contextKeys = [
  'stackName',
  'wechatAppId',
  'wechatAppIds',
  'maxSessionsPerUser',
  'appSecretArn',
  'appSecretName',
  'retainData',
  'sessionTtlSeconds',
  'sessionMaxAgeSeconds',
  'wechatApiBaseUrl',
  'wechatApiBaseUrls',
  'authorizerCacheTtlSeconds',
  'throttleRateLimit',
  'throttleBurstLimit',
  'loginThrottleRateLimit',
  'loginThrottleBurstLimit',
  'loginLimitPerIpPerMinute',
  'phoneLimitPerUserPerDay',
  'logRetentionDays',
  'frontDoor',
  'serviceName',
  'account',
  'region',
  'tags',
  'tracing',
  'authorizerReservedConcurrency',
  'alarmEmail',
  'alarmTopicArn',
  'domainName',
  'certificateArn',
  'disableExecuteApiEndpoint',
] as const;

type ContextKey = (typeof contextKeys)[number];

/** A context key's value is wrong: the message names the key and what it must be. */
class ContextError extends Error {
  constructor(
    readonly key: ContextKey,
    expectation: string,
    raw: string
  ) {
    super(`Context ${key} must be ${expectation}, got "${raw}"`);
    this.name = 'ContextError';
  }
}

const text = (node: Node, key: ContextKey): string | undefined => {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || String(value).trim() === '') return undefined;
  return String(value).trim();
};

const wholeNumber = (node: Node, key: ContextKey, { allowZero = false } = {}): number | undefined => {
  const raw = text(node, key);
  if (raw === undefined) return undefined;
  const value = wholeNumberOf(raw);
  if (value === undefined || (!allowZero && value === 0)) {
    throw new ContextError(key, `a ${allowZero ? 'non-negative' : 'positive'} whole number`, raw);
  }
  return value;
};

const flag = (node: Node, key: ContextKey): boolean | undefined => {
  const raw = text(node, key)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ContextError(key, 'true or false', raw);
};

const throttle = (node: Node, rateKey: ContextKey, burstKey: ContextKey, fallback: ThrottleLimits): ThrottleLimits => ({
  rateLimit: wholeNumber(node, rateKey) ?? fallback.rateLimit,
  burstLimit: wholeNumber(node, burstKey) ?? fallback.burstLimit,
});

const retention = (node: Node): RetentionDays | undefined => {
  const days = wholeNumber(node, 'logRetentionDays');
  if (days === undefined) return undefined;
  const allowed = Object.values(RetentionDays).filter((value): value is number => typeof value === 'number');
  if (!allowed.includes(days)) {
    throw new ContextError('logRetentionDays', `one of CloudWatch's periods (${allowed.join(', ')})`, String(days));
  }
  return days as RetentionDays;
};

const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** `-c tags=Key=Value,Other=Value`: each pair split at its first `=`; keys unique, not `aws:`-prefixed. */
const tagsFrom = (node: Node): Record<string, string> | undefined => {
  const raw = text(node, 'tags');
  if (raw === undefined) return undefined;
  const expectation = 'Key=Value pairs separated by commas (keys 1-128, values 0-256 characters, no "aws:" prefix)';
  const tags: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const at = pair.indexOf('=');
    const key = (at < 0 ? pair : pair.slice(0, at)).trim();
    const value = at < 0 ? '' : pair.slice(at + 1).trim();
    const valid = at > 0 && key.length <= 128 && value.length <= 256 && !/^aws:/i.test(key);
    if (!valid || !TAG_TEXT.test(key) || !TAG_TEXT.test(value) || Object.hasOwn(tags, key)) {
      throw new ContextError('tags', expectation, raw);
    }
    tags[key] = value;
  }
  return tags;
};

/**
 * The account and region to deploy to: context `account`/`region`, else what the CDK CLI sets from the profile
 * (CDK_DEFAULT_ACCOUNT/CDK_DEFAULT_REGION). Neither: an environment-agnostic stack (synth needs no credentials).
 */
const environmentFrom = (node: Node, env: NodeJS.ProcessEnv): Environment | undefined => {
  const account = text(node, 'account') ?? (env.CDK_DEFAULT_ACCOUNT?.trim() || undefined);
  const region = text(node, 'region') ?? (env.CDK_DEFAULT_REGION?.trim() || undefined);
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new ContextError('account', '12 digits', account);
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new ContextError('region', 'an AWS region such as ap-east-1', region);
  }
  if (account === undefined && region === undefined) return undefined;
  return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
};

/** Where the stack goes and how it is tagged. */
const deploymentFrom = (node: Node, env: NodeJS.ProcessEnv): Pick<WeChatLoginStackProps, 'env' | 'tags'> => {
  const environment = environmentFrom(node, env);
  const tags = tagsFrom(node);
  return { ...(environment ? { env: environment } : {}), ...(tags ? { tags } : {}) };
};

/** Alarms, tracing, concurrency and the custom domain: what ops tune. */
const operationsFrom = (node: Node): Partial<WeChatLoginStackProps> => {
  const optional = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    ...optional('serviceName', text(node, 'serviceName')),
    ...optional('tracing', flag(node, 'tracing')),
    ...optional('authorizerReservedConcurrency', wholeNumber(node, 'authorizerReservedConcurrency')),
    ...optional('alarmEmail', text(node, 'alarmEmail')),
    ...optional('alarmTopicArn', text(node, 'alarmTopicArn')),
    ...optional('domainName', text(node, 'domainName')?.toLowerCase()),
    ...optional('certificateArn', text(node, 'certificateArn')),
    ...optional('disableExecuteApiEndpoint', flag(node, 'disableExecuteApiEndpoint')),
  };
};

/**
 * Several mini programs: `-c wechatAppIds=wxA,wxB` (comma-separated; cdk.json may hold an array), and the live
 * sessions one user may hold per app (`-c maxSessionsPerUser`).
 */
const appsFrom = (node: Node): Pick<WeChatLoginStackProps, 'wechatAppIds' | 'maxSessionsPerUser'> => {
  const value: unknown = node.tryGetContext('wechatAppIds');
  const wechatAppIds = Array.isArray(value)
    ? value.map((id) => String(id).trim())
    : text(node, 'wechatAppIds')
        ?.split(',')
        .map((id) => id.trim())
        .filter(Boolean);
  const maxSessionsPerUser = wholeNumber(node, 'maxSessionsPerUser');
  return {
    ...(wechatAppIds ? { wechatAppIds } : {}),
    ...(maxSessionsPerUser ? { maxSessionsPerUser } : {}),
  };
};

interface AppSettings {
  readonly stackName: string;
  readonly props: WeChatLoginStackProps;
  /** `-c frontDoor=true`: CloudFront + WAF in front of the API (a second stack in us-east-1). Default false. */
  readonly frontDoor: boolean;
}

const settingsFromContext = (node: Node, env: NodeJS.ProcessEnv = process.env): AppSettings => {
  // Optional here: without it the stack declares a WeChatAppId parameter that CloudFormation requires at deploy.
  const wechatAppId = text(node, 'wechatAppId');
  const cacheSeconds = wholeNumber(node, 'authorizerCacheTtlSeconds', { allowZero: true });
  const sessionTtlSeconds = wholeNumber(node, 'sessionTtlSeconds');
  const sessionMaxAgeSeconds = wholeNumber(node, 'sessionMaxAgeSeconds');
  const logRetention = retention(node);
  const appSecretArn = text(node, 'appSecretArn');
  const appSecretName = text(node, 'appSecretName');
  const wechatApiBaseUrl = text(node, 'wechatApiBaseUrl');
  const loginLimitPerIpPerMinute = wholeNumber(node, 'loginLimitPerIpPerMinute');
  const phoneLimitPerUserPerDay = wholeNumber(node, 'phoneLimitPerUserPerDay');
  // Comma-separated on the command line; cdk.json may hold an array (String() joins it with commas).
  const wechatApiBaseUrls = text(node, 'wechatApiBaseUrls')
    ?.split(',')
    .map((entry) => entry.trim());
  return {
    stackName: text(node, 'stackName') ?? DEFAULT_STACK_NAME,
    frontDoor: flag(node, 'frontDoor') ?? false,
    props: {
      ...(wechatAppId ? { wechatAppId } : {}),
      ...appsFrom(node),
      ...(appSecretArn ? { appSecretArn } : {}),
      ...(appSecretName ? { appSecretName } : {}),
      removalPolicy: flag(node, 'retainData') === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      ...(sessionTtlSeconds ? { sessionTtlSeconds } : {}),
      ...(sessionMaxAgeSeconds ? { sessionMaxAgeSeconds } : {}),
      ...(wechatApiBaseUrl ? { wechatApiBaseUrl } : {}),
      ...(wechatApiBaseUrls ? { wechatApiBaseUrls } : {}),
      ...(cacheSeconds !== undefined ? { authorizerCacheTtl: Duration.seconds(cacheSeconds) } : {}),
      throttle: throttle(node, 'throttleRateLimit', 'throttleBurstLimit', stackDefaults.throttle),
      loginThrottle: throttle(node, 'loginThrottleRateLimit', 'loginThrottleBurstLimit', stackDefaults.loginThrottle),
      ...(loginLimitPerIpPerMinute ? { loginLimitPerIpPerMinute } : {}),
      ...(phoneLimitPerUserPerDay ? { phoneLimitPerUserPerDay } : {}),
      ...(logRetention ? { logRetention } : {}),
      ...operationsFrom(node),
      ...deploymentFrom(node, env),
    },
  };
};

export type { AppSettings };
export { settingsFromContext };
