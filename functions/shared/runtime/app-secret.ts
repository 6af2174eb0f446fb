import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { AppSecretSource } from './config.js';

/** Cached across invocations; short enough that a rotated secret reaches warm functions within minutes. */
const SECRET_CACHE_SECONDS = 300;

/** Reads the one Secrets Manager secret (Powertools caches it), with an error that tells ops what to do. */
const readSecretString = async (arn: string): Promise<string> => {
  let secret: unknown;
  try {
    secret = await getSecret(arn, { maxAge: SECRET_CACHE_SECONDS });
  } catch (error) {
    // A secret the stack created but ops never filled has no AWSCURRENT version: ResourceNotFoundException.
    throw new Error(
      'The WeChat app secret could not be read from Secrets Manager; if its value was never put, put it ' +
        '(README, Deploy)',
      { cause: error }
    );
  }
  if (typeof secret !== 'string' || secret.trim() === '') {
    throw new Error('The WeChat app secret in Secrets Manager is empty; put its value (see README, Deploy)');
  }
  return secret.trim();
};

/**
 * The secret of `appId` from the secret's text: a JSON object `{"<appId>": "<secret>", ...}`, or, when exactly one
 * app is configured, the AppSecret as plain text (a secret put before several apps existed). Never echoes the text.
 */
const secretOfApp = (text: string, appId: string, appIds: readonly string[]): string => {
  if (!text.startsWith('{')) {
    if (appIds.length === 1) return text;
    throw new Error(
      'The WeChat app secret must be a JSON object {"<appId>": "<secret>"} when several apps are configured'
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('The WeChat app secret starts like JSON but is not: put {"<appId>": "<secret>", ...}');
  }
  const value = (parsed as Record<string, unknown> | null)?.[appId];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`The WeChat app secret holds no secret for AppID ${appId}; add it (README, Deploy)`);
  }
  return value.trim();
};

/**
 * Resolves a WeChat app secret by AppID. In AWS they come from one Secrets Manager secret by ARN (Powertools caches
 * it); on a developer's machine WECHAT_APPS / WECHAT_APP_SECRET hold them directly.
 *
 * @example
 * const secretOf = appSecretProvider(config.appSecrets, config.appIds);
 * const secret = await secretOf('wx0123456789abcdef');
 */
const appSecretProvider =
  (source: AppSecretSource, appIds: readonly string[]): ((appId: string) => Promise<string>) =>
  async (appId) => {
    if (source.kind === 'secretsManager') return secretOfApp(await readSecretString(source.arn), appId, appIds);
    const value = Object.hasOwn(source.values, appId) ? source.values[appId] : undefined;
    if (!value) throw new Error(`No app secret is configured for AppID ${appId}`);
    return value;
  };

export { appSecretProvider };
