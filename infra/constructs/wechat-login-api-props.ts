import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { defaults } from '../../functions/shared/contract/defaults.js';
import type { ThrottleLimits } from '../../functions/shared/contract/throttles.js';
import { stackDefaults } from '../stack-defaults.js';
import { ValidationError } from '../validation-error.js';

interface WeChatLoginApiProps {
  /**
   * The mini program's AppID (`wx` + 16 hex characters).
   *
   * @default - the template declares the CloudFormation parameter `WeChatAppId` (no default), so a deploy cannot go
   * ahead without one
   */
  readonly wechatAppId?: string;
  /**
   * The AppIDs of every mini program this deployment serves (one backend, several apps). The first is the original
   * app: sessions from before several apps belong to it, so keep it first when adding apps. Give this or
   * `wechatAppId`, not both. With several, the app secret holds a JSON object `{"<appId>": "<secret>", ...}`.
   *
   * @default - the one app of `wechatAppId`
   */
  readonly wechatAppIds?: readonly string[];
  /**
   * Live sessions one user may hold per app; a login beyond it ends the user's oldest session. At most 90.
   *
   * @default 10
   */
  readonly maxSessionsPerUser?: number;
  /**
   * Use this existing secret (complete ARN) for the AppSecret.
   *
   * @default - an empty secret is created (put its value once; README, Deploy)
   */
  readonly appSecretArn?: string;
  /**
   * Use the existing secret with this name for the AppSecret.
   *
   * @default - an empty secret is created (put its value once; README, Deploy)
   */
  readonly appSecretName?: string;
  /**
   * What happens to the table, the log groups and a created secret when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Idle timeout of a session.
   *
   * @default - functions/shared/contract/defaults.ts (7 days)
   */
  readonly sessionTtlSeconds?: number;
  /**
   * Absolute cap on a session's life from login.
   *
   * @default - functions/shared/contract/defaults.ts (30 days)
   */
  readonly sessionMaxAgeSeconds?: number;
  /**
   * One WeChat API host (`https:` only): the same as `wechatApiBaseUrls` with one entry. Give this or
   * `wechatApiBaseUrls`, not both.
   *
   * @default - the hosts of `wechatApiBaseUrls`' default
   */
  readonly wechatApiBaseUrl?: string;
  /**
   * WeChat API hosts in order of preference (`https:` only: the app secret travels in the requests). The functions
   * fail over to the next host when one gives no answer, and prefer the next one for a while after a failure.
   *
   * @default - https://api.weixin.qq.com, then https://api2.weixin.qq.com (WeChat's disaster-recovery host)
   */
  readonly wechatApiBaseUrls?: readonly string[];
  /**
   * How long API Gateway caches the authorizer's answer per session id: a cached allow outlives logout and expiry by
   * up to this long; no cache costs one authorizer call and one DynamoDB read per protected request. At most 1 hour.
   *
   * @default Duration.seconds(0) - no cache
   */
  readonly authorizerCacheTtl?: Duration;
  /**
   * Stage default for every route: a cost cap for all clients together (README, Security).
   *
   * @default - functions/shared/contract/throttles.ts `stageThrottles.default`
   */
  readonly throttle?: ThrottleLimits;
  /**
   * The limit on POST /login (every route without the authorizer): a cost cap for all clients together.
   *
   * @default - functions/shared/contract/throttles.ts `stageThrottles.openRoutes`
   */
  readonly loginThrottle?: ThrottleLimits;
  /**
   * Login attempts one client IP may make per UTC minute, counted in the login function before WeChat is asked
   * (README, Security).
   *
   * @default - functions/shared/contract/defaults.ts (60)
   */
  readonly loginLimitPerIpPerMinute?: number;
  /**
   * /wx/phone calls (each a billed getuserphonenumber) one user may make per UTC day (README, Security).
   *
   * @default - functions/shared/contract/defaults.ts (10)
   */
  readonly phoneLimitPerUserPerDay?: number;
  /**
   * Retention of the function and access log groups.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Put the API behind CloudFront with this WAF web ACL (scope CLOUDFRONT, in us-east-1: `WeChatLoginFrontDoorWafStack`),
   * and refuse requests that skip CloudFront (README, Security).
   *
   * @default - no front door: clients call the execute-api URL directly
   */
  readonly frontDoorWebAclArn?: string;
  /**
   * Powertools' service name in every log line.
   *
   * @default - functions/shared/contract/defaults.ts (`wechat-login`)
   */
  readonly serviceName?: string;
  /**
   * Lambda active tracing (X-Ray) on every function.
   *
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * Concurrency reserved for the authorizer out of the account's regional quota (it also caps the authorizer there).
   * Without it, a runaway business Lambda can take the whole quota, starve the authorizer and turn every protected
   * route into 500s (README, Operations).
   *
   * @default - none: the authorizer shares the account's unreserved concurrency
   */
  readonly authorizerReservedConcurrency?: number;
}

/** The props with every default applied and every value checked. */
interface LoginApiSettings {
  /** The configured AppIDs, comma-separated (the functions' WECHAT_APP_IDS); undefined: asked for at deploy. */
  readonly wechatAppId: string | undefined;
  readonly maxSessionsPerUser: number;
  readonly removalPolicy: RemovalPolicy;
  readonly sessionTtlSeconds: number;
  readonly sessionMaxAgeSeconds: number;
  /** WeChat's hosts in order of preference, all https:. */
  readonly wechatApiBaseUrls: readonly string[];
  readonly authorizerCacheTtl: Duration;
  readonly throttle: ThrottleLimits;
  readonly loginThrottle: ThrottleLimits;
  readonly loginLimitPerIpPerMinute: number;
  readonly phoneLimitPerUserPerDay: number;
  readonly logRetention: RetentionDays;
  readonly serviceName: string;
  readonly tracing: boolean;
  readonly authorizerReservedConcurrency: number | undefined;
}

const WECHAT_APP_ID_PATTERN = '^wx[0-9a-fA-F]{16}$';
const WECHAT_APP_ID = new RegExp(WECHAT_APP_ID_PATTERN);

const positiveWholeNumber = (scope: IConstruct, name: string, value: number): number => {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ValidationError(`${name} must be a positive whole number, got ${value}`, scope);
  }
  return value;
};

const validThrottle = (scope: IConstruct, name: string, limits: ThrottleLimits): ThrottleLimits => {
  positiveWholeNumber(scope, `${name}.rateLimit`, limits.rateLimit);
  positiveWholeNumber(scope, `${name}.burstLimit`, limits.burstLimit);
  return limits;
};

/** The configured AppIDs, checked (each `wx` + 16 hex characters, none twice), comma-separated; undefined if none. */
const validAppIds = (scope: IConstruct, props: WeChatLoginApiProps): string | undefined => {
  if (props.wechatAppId !== undefined && props.wechatAppIds !== undefined) {
    throw new ValidationError('Name the mini programs with wechatAppIds or wechatAppId, not both', scope);
  }
  const key = props.wechatAppIds !== undefined ? 'wechatAppIds' : 'wechatAppId';
  const ids = props.wechatAppIds ?? (props.wechatAppId !== undefined ? [props.wechatAppId] : undefined);
  if (ids === undefined) return undefined;
  if (ids.length === 0) throw new ValidationError('wechatAppIds must name at least one AppID', scope);
  const bad = ids.find((id) => !WECHAT_APP_ID.test(id));
  if (bad !== undefined) {
    const what = key === 'wechatAppId' ? "the mini program's AppID" : 'mini program AppIDs';
    throw new ValidationError(`${key} must be ${what} ("wx" + 16 hex characters), got "${bad}"`, scope);
  }
  if (new Set(ids).size !== ids.length) throw new ValidationError(`${key} names an AppID twice`, scope);
  return ids.join(',');
};

const validMaxSessions = (scope: IConstruct, props: WeChatLoginApiProps): number => {
  const max = positiveWholeNumber(scope, 'maxSessionsPerUser', props.maxSessionsPerUser ?? defaults.maxSessionsPerUser);
  // Signing out everywhere ends them all in one transaction (at most 100 items).
  if (max > 90) throw new ValidationError(`maxSessionsPerUser must be at most 90, got ${max}`, scope);
  return max;
};

const sessionLifetimes = (scope: IConstruct, props: WeChatLoginApiProps) => {
  const ttl = positiveWholeNumber(scope, 'sessionTtlSeconds', props.sessionTtlSeconds ?? defaults.sessionTtlSeconds);
  const maxAge = positiveWholeNumber(
    scope,
    'sessionMaxAgeSeconds',
    props.sessionMaxAgeSeconds ?? defaults.sessionMaxAgeSeconds
  );
  if (maxAge < ttl) throw new ValidationError('sessionMaxAgeSeconds must be at least sessionTtlSeconds', scope);
  return { sessionTtlSeconds: ttl, sessionMaxAgeSeconds: maxAge };
};

/** The per-client limits (functions/shared/limits): whole numbers above 0, so a limit cannot be switched off. */
const clientLimits = (scope: IConstruct, props: WeChatLoginApiProps) => ({
  loginLimitPerIpPerMinute: positiveWholeNumber(
    scope,
    'loginLimitPerIpPerMinute',
    props.loginLimitPerIpPerMinute ?? defaults.loginLimitPerIpPerMinute
  ),
  phoneLimitPerUserPerDay: positiveWholeNumber(
    scope,
    'phoneLimitPerUserPerDay',
    props.phoneLimitPerUserPerDay ?? defaults.phoneLimitPerUserPerDay
  ),
});

const validCacheTtl = (scope: IConstruct, ttl: Duration): Duration => {
  if (ttl.toSeconds() > 3600) {
    throw new ValidationError('authorizerCacheTtl can be at most 1 hour (API Gateway limit)', scope);
  }
  return ttl;
};

const isHttps = (url: string): boolean => {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
};

/** The WeChat hosts, https: only (the app secret travels in the requests; http: is for the twin and tests). */
const wechatHosts = (scope: IConstruct, props: WeChatLoginApiProps): readonly string[] => {
  if (props.wechatApiBaseUrl !== undefined && props.wechatApiBaseUrls !== undefined) {
    throw new ValidationError('Give wechatApiBaseUrls or wechatApiBaseUrl, not both', scope);
  }
  const key = props.wechatApiBaseUrls !== undefined ? 'wechatApiBaseUrls' : 'wechatApiBaseUrl';
  const hosts =
    props.wechatApiBaseUrls ?? (props.wechatApiBaseUrl ? [props.wechatApiBaseUrl] : defaults.wechatApiBaseUrls);
  if (hosts.length === 0) throw new ValidationError(`${key} must name at least one WeChat host`, scope);
  const refused = hosts.find((host) => !isHttps(host));
  if (refused !== undefined) {
    throw new ValidationError(
      `${key} must be https: URLs only (the app secret travels in the requests; http: is for the local twin and ` +
        `tests), got "${refused}"`,
      scope
    );
  }
  return hosts.map((host) => host.replace(/\/+$/, ''));
};

/** Applies the defaults and checks every value, failing the synth with an error that names `scope`. */
const loginApiSettings = (scope: IConstruct, props: WeChatLoginApiProps): LoginApiSettings => ({
  wechatAppId: validAppIds(scope, props),
  maxSessionsPerUser: validMaxSessions(scope, props),
  removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  ...sessionLifetimes(scope, props),
  wechatApiBaseUrls: wechatHosts(scope, props),
  authorizerCacheTtl: validCacheTtl(scope, props.authorizerCacheTtl ?? stackDefaults.authorizerCacheTtl),
  throttle: validThrottle(scope, 'throttle', props.throttle ?? stackDefaults.throttle),
  loginThrottle: validThrottle(scope, 'loginThrottle', props.loginThrottle ?? stackDefaults.loginThrottle),
  ...clientLimits(scope, props),
  logRetention: props.logRetention ?? stackDefaults.logRetention,
  serviceName: props.serviceName ?? defaults.serviceName,
  tracing: props.tracing ?? true,
  authorizerReservedConcurrency:
    props.authorizerReservedConcurrency === undefined
      ? undefined
      : positiveWholeNumber(scope, 'authorizerReservedConcurrency', props.authorizerReservedConcurrency),
});

export type { LoginApiSettings, WeChatLoginApiProps };
export { loginApiSettings, WECHAT_APP_ID_PATTERN };
