import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { AppSecretSource } from './config.js';

/** Cached across invocations; short enough that a rotated secret reaches warm functions within minutes. */
const SECRET_CACHE_SECONDS = 300;

/**
 * Resolves the WeChat app secret. In AWS it comes from Secrets Manager by ARN (Powertools caches it); on a
 * developer's machine WECHAT_APP_SECRET holds it directly.
 */
const appSecretProvider = (source: AppSecretSource): (() => Promise<string>) => {
  if (source.kind === 'value') return async () => source.value;
  return async () => {
    let secret: unknown;
    try {
      secret = await getSecret(source.arn, { maxAge: SECRET_CACHE_SECONDS });
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
};

export { appSecretProvider };
