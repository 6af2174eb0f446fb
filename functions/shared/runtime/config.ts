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

/** How many live sessions one user may hold per app; a login beyond it ends the oldest. */
interface SessionLimitConfig {
  maxSessionsPerUser: number;
}

/**
 * Where the app secrets come from: in AWS one Secrets Manager secret holding a JSON object `{"<appId>": "<secret>"}`
 * (with one app, plain text is accepted too: a deployment from before several apps keeps its secret); on a developer's
 * machine the values themselves, per AppID.
 */
type AppSecretSource =
  | { kind: 'secretsManager'; arn: string }
  | { kind: 'values'; values: Readonly<Record<string, string>> };

/** The configured mini programs. The first AppID is the deployment's original app (see readAppIdsConfig). */
interface AppIdsConfig {
  appIds: readonly string[];
}

interface WeChatConfig extends AppIdsConfig {
  appSecrets: AppSecretSource;
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

/** Largest MAX_SESSIONS_PER_USER: signing out everywhere ends them all in one transaction (at most 100 items). */
const MAX_SESSIONS_LIMIT = 90;

const readSessionLimitConfig = (env: Env = process.env): SessionLimitConfig => {
  const max = positiveInteger(env, 'MAX_SESSIONS_PER_USER', defaults.maxSessionsPerUser, 'sessions');
  if (max > MAX_SESSIONS_LIMIT) {
    throw new ConfigError('MAX_SESSIONS_PER_USER', `must be at most ${MAX_SESSIONS_LIMIT}, got "${max}"`);
  }
  return { maxSessionsPerUser: max };
};

/** An AppID as WeChat issues them (`wx` + 16 hex characters), loosely: local AppIDs such as wx00000000local000 pass. */
const APP_ID_PATTERN = /^wx[0-9A-Za-z]{1,62}$/;

const appIdList = (name: string, ids: readonly string[]): string[] => {
  if (ids.length === 0) throw new ConfigError(name, 'must name at least one AppID');
  const bad = ids.find((id) => !APP_ID_PATTERN.test(id));
  if (bad !== undefined) throw new ConfigError(name, `holds "${bad}", which is not an AppID ("wx" + letters/digits)`);
  if (new Set(ids).size !== ids.length) throw new ConfigError(name, 'names an AppID twice');
  return [...ids];
};

/** `WECHAT_APPS` (local): a JSON object `{"<appId>": "<secret>", ...}`, which overrides WECHAT_APP_ID(S) and the secret. */
const readLocalApps = (env: Env): Record<string, string> | undefined => {
  const raw = optional(env, 'WECHAT_APPS');
  if (raw === undefined) return undefined;
  let apps: unknown;
  try {
    apps = JSON.parse(raw);
  } catch {
    throw new ConfigError(
      'WECHAT_APPS',
      'must be a JSON object {"<appId>": "<secret>", ...}, got text that is not JSON'
    );
  }
  if (typeof apps !== 'object' || apps === null || Array.isArray(apps)) {
    throw new ConfigError('WECHAT_APPS', 'must be a JSON object {"<appId>": "<secret>", ...}');
  }
  const entries = Object.entries(apps as Record<string, unknown>);
  if (entries.some(([, secret]) => typeof secret !== 'string' || secret.trim() === '')) {
    throw new ConfigError('WECHAT_APPS', 'must give every AppID a non-empty secret string');
  }
  appIdList(
    'WECHAT_APPS',
    entries.map(([id]) => id)
  );
  return Object.fromEntries(entries.map(([id, secret]) => [id, String(secret).trim()]));
};

/**
 * The configured AppIDs, in order: WECHAT_APPS's keys (local), else WECHAT_APP_IDS (comma-separated, what the stack
 * sets), else WECHAT_APP_ID (one app, as before several apps).
 */
const readAppIdsConfig = (env: Env = process.env): AppIdsConfig => {
  const local = readLocalApps(env);
  if (local) return { appIds: Object.keys(local) };
  const list = optional(env, 'WECHAT_APP_IDS');
  if (list !== undefined) {
    return {
      appIds: appIdList(
        'WECHAT_APP_IDS',
        list
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean)
      ),
    };
  }
  return { appIds: appIdList('WECHAT_APP_ID', [required(env, 'WECHAT_APP_ID')]) };
};

const readAppSecretSource = (env: Env, appIds: readonly string[]): AppSecretSource => {
  const local = readLocalApps(env);
  if (local) return { kind: 'values', values: local };
  const arn = optional(env, 'WECHAT_APP_SECRET_ARN');
  if (arn) return { kind: 'secretsManager', arn };
  const value = optional(env, 'WECHAT_APP_SECRET');
  if (value && appIds.length === 1) return { kind: 'values', values: { [appIds[0] as string]: value } };
  if (value)
    throw new ConfigError('WECHAT_APP_SECRET', 'holds one secret, but several AppIDs are configured: use WECHAT_APPS');
  throw new ConfigError(
    'WECHAT_APP_SECRET_ARN',
    'is required but not set (locally, WECHAT_APP_SECRET or WECHAT_APPS may hold the secret instead)'
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

const readWeChatConfig = (env: Env = process.env): WeChatConfig => {
  const { appIds } = readAppIdsConfig(env);
  return {
    appIds,
    appSecrets: readAppSecretSource(env, appIds),
    apiBaseUrls: readApiBaseUrls(env),
    hostBreakerMs: positiveInteger(env, 'WECHAT_HOST_BREAKER_SECONDS', defaults.wechatHostBreakerSeconds) * 1000,
    timeoutMs: defaults.wechatTimeoutMs,
  };
};

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

export type {
  AppIdsConfig,
  AppSecretSource,
  Env,
  LoginLimitConfig,
  PhoneLimitConfig,
  SessionConfig,
  SessionLimitConfig,
  TableConfig,
  WeChatConfig,
};
export {
  ConfigError,
  readAppIdsConfig,
  readLocalAwsSettings,
  readLoginLimitConfig,
  readMetricsEnabled,
  readPhoneLimitConfig,
  readServiceName,
  readSessionConfig,
  readSessionLimitConfig,
  readTableConfig,
  readWeChatConfig,
};
