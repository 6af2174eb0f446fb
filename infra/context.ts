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
  'appSecretArn',
  'appSecretName',
  'retainData',
  'sessionTtlSeconds',
  'sessionMaxAgeSeconds',
  'wechatApiBaseUrl',
  'authorizerCacheTtlSeconds',
  'throttleRateLimit',
  'throttleBurstLimit',
  'loginThrottleRateLimit',
  'loginThrottleBurstLimit',
  'loginLimitPerIpPerMinute',
  'phoneLimitPerUserPerDay',
  'logRetentionDays',
  'frontDoor',
] as const;

type ContextKey = (typeof contextKeys)[number];

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
    throw new Error(`Context ${key} must be a ${allowZero ? 'non-negative' : 'positive'} whole number, got "${raw}"`);
  }
  return value;
};

const flag = (node: Node, key: ContextKey): boolean | undefined => {
  const raw = text(node, key)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`Context ${key} must be true or false, got "${raw}"`);
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
    throw new Error(
      `Context logRetentionDays must be one of CloudWatch's periods (${allowed.join(', ')}), got ${days}`
    );
  }
  return days as RetentionDays;
};

interface AppSettings {
  readonly stackName: string;
  readonly props: WeChatLoginStackProps;
  /** `-c frontDoor=true`: CloudFront + WAF in front of the API (a second stack in us-east-1). Default false. */
  readonly frontDoor: boolean;
}

const settingsFromContext = (node: Node): AppSettings => {
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
  return {
    stackName: text(node, 'stackName') ?? DEFAULT_STACK_NAME,
    frontDoor: flag(node, 'frontDoor') ?? false,
    props: {
      ...(wechatAppId ? { wechatAppId } : {}),
      ...(appSecretArn ? { appSecretArn } : {}),
      ...(appSecretName ? { appSecretName } : {}),
      removalPolicy: flag(node, 'retainData') === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      ...(sessionTtlSeconds ? { sessionTtlSeconds } : {}),
      ...(sessionMaxAgeSeconds ? { sessionMaxAgeSeconds } : {}),
      ...(wechatApiBaseUrl ? { wechatApiBaseUrl } : {}),
      ...(cacheSeconds !== undefined ? { authorizerCacheTtl: Duration.seconds(cacheSeconds) } : {}),
      throttle: throttle(node, 'throttleRateLimit', 'throttleBurstLimit', stackDefaults.throttle),
      loginThrottle: throttle(node, 'loginThrottleRateLimit', 'loginThrottleBurstLimit', stackDefaults.loginThrottle),
      ...(loginLimitPerIpPerMinute ? { loginLimitPerIpPerMinute } : {}),
      ...(phoneLimitPerUserPerDay ? { phoneLimitPerUserPerDay } : {}),
      ...(logRetention ? { logRetention } : {}),
    },
  };
};

export type { AppSettings };
export { settingsFromContext };
