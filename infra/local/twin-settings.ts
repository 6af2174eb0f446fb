import { readFileSync } from 'node:fs';
import { stageThrottles, type ThrottleLimits, throttleContextKeys } from '../../functions/shared/contract/throttles.js';

/**
 * The twin's own settings (README, Configuration: "Local twin only"), read once from the environment. A malformed
 * value is refused by name rather than silently read as 0: `TwinSettingError` stops the twin with its message.
 */
class TwinSettingError extends Error {
  override name = 'TwinSettingError';
}

interface TwinSettings {
  readonly host: string;
  readonly port: number;
  readonly authorizerCacheTtlSeconds: number;
  readonly stubPort: number;
  readonly concurrency: number;
  /** TRUST_X_FORWARDED_FOR=true: the client IP is the first X-Forwarded-For entry, not the socket's peer. */
  readonly trustForwardedFor: boolean;
  /** LOCAL_ROUTES_FILE: more routes to serve behind the authorizer (README, Local twin). */
  readonly localRoutesFile?: string;
  /** The stage throttles: `openRoutes` for the project's routes without the authorizer, `default` for every other. */
  readonly throttles: Readonly<Record<keyof typeof stageThrottles, ThrottleLimits>>;
}

/** The stack's CDK context as cdk.json sets it (`context`), or nothing when there is no such file. */
const readCdkContext = (cdkJsonPath: string): Record<string, unknown> => {
  let text: string;
  try {
    text = readFileSync(cdkJsonPath, 'utf8');
  } catch {
    return {};
  }
  const context: unknown = (JSON.parse(text) as { context?: unknown }).context;
  return typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : {};
};

/**
 * One throttle number, configured as the stack's is: the context key's name as an environment variable (as
 * `-c key=value` is for cdk), else cdk.json's context, else the shared default (functions/shared/contract/throttles.ts).
 */
const throttleNumber = (env: NodeJS.ProcessEnv, context: Record<string, unknown>, key: string, fallback: number) => {
  const fromEnv = env[key]?.trim();
  const raw = fromEnv || (context[key] === undefined ? '' : String(context[key]).trim());
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value === 0) {
    throw new TwinSettingError(`${key} must be a positive whole number, got "${raw}"`);
  }
  return value;
};

const readThrottles = (env: NodeJS.ProcessEnv, context: Record<string, unknown>): TwinSettings['throttles'] => {
  const limitsOf = (kind: keyof typeof stageThrottles): ThrottleLimits => ({
    rateLimit: throttleNumber(env, context, throttleContextKeys[kind].rateLimit, stageThrottles[kind].rateLimit),
    burstLimit: throttleNumber(env, context, throttleContextKeys[kind].burstLimit, stageThrottles[kind].burstLimit),
  });
  return { default: limitsOf('default'), openRoutes: limitsOf('openRoutes') };
};

/** Defaults that make `npm start` work with no configuration; a value already set wins. */
const localDefaults: Readonly<Record<string, string>> = {
  TABLE_NAME: 'wechat-login-sessions',
  WECHAT_APP_ID: 'wx00000000local000',
  WECHAT_APP_SECRET: 'local-app-secret',
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  POWERTOOLS_SERVICE_NAME: 'wechat-login-local',
};

const applyLocalDefaults = (env: NodeJS.ProcessEnv): void => {
  for (const [name, value] of Object.entries(localDefaults)) env[name] ||= value;
};

const wholeNumber = (env: NodeJS.ProcessEnv, name: string, fallback: number, { min = 0 } = {}): number => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
    throw new TwinSettingError(`${name} must be a whole number${min ? ` of at least ${min}` : ''}, got "${raw}"`);
  }
  return Number(raw);
};

/** Only the exact words: anything else but unset is refused by name. */
const flag = (env: NodeJS.ProcessEnv, name: string): boolean => {
  const raw = env[name]?.trim() ?? '';
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new TwinSettingError(`${name} must be true or false, got "${raw}"`);
};

const readTwinSettings = (
  env: NodeJS.ProcessEnv,
  defaultConcurrency: number,
  cdkContext: Record<string, unknown> = {}
): TwinSettings => {
  const localRoutesFile = env.LOCAL_ROUTES_FILE?.trim();
  return {
    host: env.HOST || '127.0.0.1',
    port: wholeNumber(env, 'PORT', 3000),
    authorizerCacheTtlSeconds: wholeNumber(env, 'AUTHORIZER_CACHE_TTL_SECONDS', 0),
    stubPort: wholeNumber(env, 'WECHAT_STUB_PORT', 0),
    concurrency: wholeNumber(env, 'LOCAL_CONCURRENCY', defaultConcurrency, { min: 1 }),
    trustForwardedFor: flag(env, 'TRUST_X_FORWARDED_FOR'),
    ...(localRoutesFile ? { localRoutesFile } : {}),
    throttles: readThrottles(env, cdkContext),
  };
};

/** An environment variable the twin's startup has set or defaulted; its absence is a bug in the twin. */
const required = (env: NodeJS.ProcessEnv, name: string): string => {
  const value = env[name];
  if (!value) throw new TwinSettingError(`${name} is not set`);
  return value;
};

export type { TwinSettings };
export { applyLocalDefaults, readCdkContext, readTwinSettings, required, TwinSettingError, wholeNumber };
