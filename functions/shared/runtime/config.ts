import { defaults } from '../contract/defaults.js';
import { wholeNumberOf } from '../contract/whole-number.js';

/**
 * The one place that reads configuration. Handlers call these at cold start, so a missing or malformed setting
 * fails the init phase with a message naming the variable instead of failing requests one by one.
 */
class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string
  ) {
    super(`Configuration error: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

interface TableConfig {
  tableName: string;
  /** Only set locally and in tests (DynamoDB Local); in Lambda the SDK's regional endpoint is used. */
  dynamodbEndpoint?: string;
}

interface SessionConfig extends TableConfig {
  sessionTtlSeconds: number;
  sessionMaxAgeSeconds: number;
}

/** Where the app secret comes from: Secrets Manager in AWS, a plain variable only on a developer's machine. */
type AppSecretSource = { kind: 'secretsManager'; arn: string } | { kind: 'value'; value: string };

interface WeChatConfig {
  appId: string;
  appSecret: AppSecretSource;
  /** WeChat's hosts in order of preference, each without a trailing slash; the client fails over along them. */
  apiBaseUrls: string[];
  /** How long a host that gave no answer is tried after the others (the per-Lambda circuit breaker). */
  hostBreakerMs: number;
  /** Cap on one attempt; the invocation's time budget may allow less. */
  timeoutMs: number;
}

const required = (env: Env, name: string): string => {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required but not set');
  return value;
};

const optional = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

const positiveInteger = (env: Env, name: string, fallback: number, unit = 'seconds'): number => {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = wholeNumberOf(raw);
  if (value === undefined || value <= 0) {
    throw new ConfigError(name, `must be a positive whole number of ${unit}, got "${raw}"`);
  }
  return value;
};

const httpUrl = (env: Env, name: string, fallback: string): string =>
  parseHttpUrl(name, optional(env, name) ?? fallback);

const parseHttpUrl = (name: string, raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
};

const readTableConfig = (env: Env = process.env): TableConfig => {
  const endpoint = optional(env, 'DYNAMODB_ENDPOINT');
  return {
    tableName: required(env, 'TABLE_NAME'),
    ...(endpoint ? { dynamodbEndpoint: httpUrl(env, 'DYNAMODB_ENDPOINT', endpoint) } : {}),
  };
};

const readSessionConfig = (env: Env = process.env): SessionConfig => ({
  ...readTableConfig(env),
  sessionTtlSeconds: positiveInteger(env, 'SESSION_TTL_SECONDS', defaults.sessionTtlSeconds),
  sessionMaxAgeSeconds: positiveInteger(env, 'SESSION_MAX_AGE_SECONDS', defaults.sessionMaxAgeSeconds),
});

const readAppSecretSource = (env: Env): AppSecretSource => {
  const arn = optional(env, 'WECHAT_APP_SECRET_ARN');
  if (arn) return { kind: 'secretsManager', arn };
  const value = optional(env, 'WECHAT_APP_SECRET');
  if (value) return { kind: 'value', value };
  throw new ConfigError(
    'WECHAT_APP_SECRET_ARN',
    'is required but not set (locally, WECHAT_APP_SECRET may hold the secret instead)'
  );
};

/**
 * WeChat's hosts: WECHAT_API_BASE_URLS (comma-separated, in order of preference) when set, else WECHAT_API_BASE_URL
 * (a list of one), else the default list (the general host, then the disaster-recovery host).
 */
const readApiBaseUrls = (env: Env): string[] => {
  const list = optional(env, 'WECHAT_API_BASE_URLS');
  if (list === undefined) {
    const single = optional(env, 'WECHAT_API_BASE_URL');
    return single ? [parseHttpUrl('WECHAT_API_BASE_URL', single)] : [...defaults.wechatApiBaseUrls];
  }
  const entries = list.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry === '')) {
    throw new ConfigError('WECHAT_API_BASE_URLS', `must be a comma-separated list of http(s) URLs, got "${list}"`);
  }
  return [...new Set(entries.map((entry) => parseHttpUrl('WECHAT_API_BASE_URLS', entry)))];
};

const readWeChatConfig = (env: Env = process.env): WeChatConfig => ({
  appId: required(env, 'WECHAT_APP_ID'),
  appSecret: readAppSecretSource(env),
  apiBaseUrls: readApiBaseUrls(env),
  hostBreakerMs: positiveInteger(env, 'WECHAT_HOST_BREAKER_SECONDS', defaults.wechatHostBreakerSeconds) * 1000,
  timeoutMs: defaults.wechatTimeoutMs,
});

/** Only the AppID, for functions that check WeChat's watermark but never call WeChat (so need no secret). */
const readAppIdConfig = (env: Env = process.env): { appId: string } => ({
  appId: required(env, 'WECHAT_APP_ID'),
});

interface LoginLimitConfig {
  /** Login attempts one client IP may make per UTC minute (functions/shared/limits). */
  loginLimitPerIpPerMinute: number;
}

interface PhoneLimitConfig {
  /** /wx/phone calls one user may make per UTC day. */
  phoneLimitPerUserPerDay: number;
}

const readLoginLimitConfig = (env: Env = process.env): LoginLimitConfig => ({
  loginLimitPerIpPerMinute: positiveInteger(
    env,
    'LOGIN_LIMIT_PER_IP_PER_MINUTE',
    defaults.loginLimitPerIpPerMinute,
    'attempts'
  ),
});

const readPhoneLimitConfig = (env: Env = process.env): PhoneLimitConfig => ({
  phoneLimitPerUserPerDay: positiveInteger(
    env,
    'PHONE_LIMIT_PER_USER_PER_DAY',
    defaults.phoneLimitPerUserPerDay,
    'calls'
  ),
});

/**
 * Region and credentials for a DynamoDB Local endpoint: the usual AWS variables when set, placeholders otherwise
 * (DynamoDB Local accepts any), so a developer needs no AWS account to run the twin or the tests.
 */
const readLocalAwsSettings = (env: Env = process.env) => ({
  region: env.AWS_REGION ?? 'local',
  credentials: {
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
  },
});

/** The service name in every log line. Given to Powertools explicitly, because its own fallback is "service_undefined". */
const readServiceName = (env: Env = process.env): string => env.POWERTOOLS_SERVICE_NAME ?? defaults.serviceName;

/**
 * Whether the business metrics are written: Powertools' own switch, POWERTOOLS_METRICS_DISABLED=true, turns them off
 * (the tests do, to keep their output readable; the twin does not).
 */
const readMetricsEnabled = (env: Env = process.env): boolean =>
  optional(env, 'POWERTOOLS_METRICS_DISABLED')?.toLowerCase() !== 'true';

export type { AppSecretSource, Env, LoginLimitConfig, PhoneLimitConfig, SessionConfig, TableConfig, WeChatConfig };
export {
  ConfigError,
  readAppIdConfig,
  readLocalAwsSettings,
  readLoginLimitConfig,
  readMetricsEnabled,
  readPhoneLimitConfig,
  readServiceName,
  readSessionConfig,
  readTableConfig,
  readWeChatConfig,
};
