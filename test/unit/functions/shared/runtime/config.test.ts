import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  type Env,
  readAppIdsConfig,
  readLocalAwsSettings,
  readLoginLimitConfig,
  readPhoneLimitConfig,
  readServiceName,
  readSessionConfig,
  readSessionLimitConfig,
  readTableConfig,
  readWeChatConfig,
} from '../../../../../functions/shared/runtime/config.js';

const sessionEnv = (overrides: Env = {}): Env => ({ TABLE_NAME: 'sessions', ...overrides });
const wechatEnv = (overrides: Env = {}): Env => ({
  WECHAT_APP_ID: 'wx0123456789abcdef',
  WECHAT_APP_SECRET: 'local-secret',
  ...overrides,
});

/** The ConfigError a read throws, so tests can check both the variable and the message naming it. */
const configErrorOf = (read: () => unknown): ConfigError => {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration was accepted');
};

describe('readTableConfig', () => {
  it.each([
    ['absent', {}],
    ['empty', { TABLE_NAME: '' }],
    ['blank', { TABLE_NAME: '   ' }],
  ])('fails naming TABLE_NAME when it is %s', (_case, env) => {
    const error = configErrorOf(() => readTableConfig(env));
    expect(error.variable).toBe('TABLE_NAME');
    expect(error.message).toContain('TABLE_NAME');
  });

  it('reads the table name and leaves the endpoint unset outside local runs', () => {
    expect(readTableConfig({ TABLE_NAME: ' sessions ' })).toEqual({ tableName: 'sessions' });
  });

  it('reads DYNAMODB_ENDPOINT for DynamoDB Local', () => {
    expect(readTableConfig({ TABLE_NAME: 't1', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })).toEqual({
      tableName: 't1',
      dynamodbEndpoint: 'http://127.0.0.1:8000',
    });
  });

  it('refuses a DYNAMODB_ENDPOINT that is not an http(s) URL, naming it', () => {
    const error = configErrorOf(() => readTableConfig({ TABLE_NAME: 't1', DYNAMODB_ENDPOINT: 'localhost:8000' }));
    expect(error.variable).toBe('DYNAMODB_ENDPOINT');
    expect(error.message).toContain('DYNAMODB_ENDPOINT');
  });
});

describe('readSessionConfig', () => {
  it('defaults to a 7-day idle timeout and a 30-day maximum age', () => {
    const config = readSessionConfig(sessionEnv());
    expect(config.sessionTtlSeconds).toBe(7 * 24 * 60 * 60);
    expect(config.sessionMaxAgeSeconds).toBe(30 * 24 * 60 * 60);
  });

  it('reads SESSION_TTL_SECONDS and SESSION_MAX_AGE_SECONDS', () => {
    const config = readSessionConfig(sessionEnv({ SESSION_TTL_SECONDS: '600', SESSION_MAX_AGE_SECONDS: '3600' }));
    expect(config).toMatchObject({ tableName: 'sessions', sessionTtlSeconds: 600, sessionMaxAgeSeconds: 3600 });
  });

  it('fails naming TABLE_NAME when it is missing', () => {
    expect(configErrorOf(() => readSessionConfig({})).variable).toBe('TABLE_NAME');
  });

  describe.each(['SESSION_TTL_SECONDS', 'SESSION_MAX_AGE_SECONDS'])('%s', (name) => {
    it.each(['abc', '7d', '1.5', '-60', '0', '1e3', '99999999999999999999'])(
      'refuses the malformed value "%s", naming the variable',
      (value) => {
        const error = configErrorOf(() => readSessionConfig(sessionEnv({ [name]: value })));
        expect(error.variable).toBe(name);
        expect(error.message).toContain(name);
        expect(error.message).toContain(value);
      }
    );

    it('treats an empty value as unset (the default applies)', () => {
      const config = readSessionConfig(sessionEnv({ [name]: '' }));
      expect(config.sessionTtlSeconds).toBe(7 * 24 * 60 * 60);
      expect(config.sessionMaxAgeSeconds).toBe(30 * 24 * 60 * 60);
    });
  });
});

describe('readWeChatConfig', () => {
  it('defaults the WeChat hosts to the general host, then the disaster-recovery host', () => {
    expect(readWeChatConfig(wechatEnv()).apiBaseUrls).toEqual([
      'https://api.weixin.qq.com',
      'https://api2.weixin.qq.com',
    ]);
  });

  it('reads WECHAT_API_BASE_URL (another WeChat host, or a local fake) as a list of one, without a trailing slash', () => {
    const config = readWeChatConfig(wechatEnv({ WECHAT_API_BASE_URL: 'https://hk.api.weixin.qq.com/' }));
    expect(config.apiBaseUrls).toEqual(['https://hk.api.weixin.qq.com']);
  });

  it('reads WECHAT_API_BASE_URLS in order, trimmed, and prefers it to WECHAT_API_BASE_URL', () => {
    const config = readWeChatConfig(
      wechatEnv({
        WECHAT_API_BASE_URLS: ' https://hk.api.weixin.qq.com/ , https://api2.weixin.qq.com',
        WECHAT_API_BASE_URL: 'https://sh.api.weixin.qq.com',
      })
    );
    expect(config.apiBaseUrls).toEqual(['https://hk.api.weixin.qq.com', 'https://api2.weixin.qq.com']);
  });

  it.each(['https://api.weixin.qq.com,,https://api2.weixin.qq.com', 'https://api.weixin.qq.com,ftp://x.test'])(
    'refuses WECHAT_API_BASE_URLS "%s", naming it',
    (value) => {
      const error = configErrorOf(() => readWeChatConfig(wechatEnv({ WECHAT_API_BASE_URLS: value })));
      expect(error.variable).toBe('WECHAT_API_BASE_URLS');
    }
  );

  it('reads the host breaker window from WECHAT_HOST_BREAKER_SECONDS, 30 s by default', () => {
    expect(readWeChatConfig(wechatEnv()).hostBreakerMs).toBe(30_000);
    expect(readWeChatConfig(wechatEnv({ WECHAT_HOST_BREAKER_SECONDS: '2' })).hostBreakerMs).toBe(2000);
  });

  it.each(['not a url', 'ftp://api.weixin.qq.com'])('refuses WECHAT_API_BASE_URL "%s", naming it', (value) => {
    const error = configErrorOf(() => readWeChatConfig(wechatEnv({ WECHAT_API_BASE_URL: value })));
    expect(error.variable).toBe('WECHAT_API_BASE_URL');
    expect(error.message).toContain('WECHAT_API_BASE_URL');
  });

  it.each([
    ['absent', { WECHAT_APP_SECRET: 'local-secret' }],
    ['blank', { WECHAT_APP_ID: ' ', WECHAT_APP_SECRET: 'local-secret' }],
  ])('fails naming WECHAT_APP_ID when it is %s', (_case, env) => {
    const error = configErrorOf(() => readWeChatConfig(env));
    expect(error.variable).toBe('WECHAT_APP_ID');
    expect(error.message).toContain('WECHAT_APP_ID');
  });

  it('fails naming WECHAT_APP_SECRET_ARN, and mentioning WECHAT_APP_SECRET, when neither is set', () => {
    const error = configErrorOf(() => readWeChatConfig({ WECHAT_APP_ID: 'wx1' }));
    expect(error.variable).toBe('WECHAT_APP_SECRET_ARN');
    expect(error.message).toContain('WECHAT_APP_SECRET_ARN');
    expect(error.message).toContain('WECHAT_APP_SECRET ');
  });

  it('takes the secret from Secrets Manager by WECHAT_APP_SECRET_ARN', () => {
    const arn = 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:wechat-app-secret-AbCdEf';
    const config = readWeChatConfig({ WECHAT_APP_ID: 'wx1', WECHAT_APP_SECRET_ARN: arn });
    expect(config.appSecrets).toEqual({ kind: 'secretsManager', arn });
  });

  it('prefers WECHAT_APP_SECRET_ARN over WECHAT_APP_SECRET when both are set', () => {
    const arn = 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:wechat-app-secret-AbCdEf';
    const config = readWeChatConfig(wechatEnv({ WECHAT_APP_SECRET_ARN: arn }));
    expect(config.appSecrets).toEqual({ kind: 'secretsManager', arn });
  });

  it('uses WECHAT_APP_SECRET directly when no ARN is set (local runs)', () => {
    expect(readWeChatConfig(wechatEnv()).appSecrets).toEqual({
      kind: 'values',
      values: { wx0123456789abcdef: 'local-secret' },
    });
  });

  it('never puts the secret value in a configuration error', () => {
    const error = configErrorOf(() =>
      readWeChatConfig({ WECHAT_APP_SECRET: 'local-secret', WECHAT_API_BASE_URL: 'https://api.weixin.qq.com' })
    );
    expect(error.variable).toBe('WECHAT_APP_ID');
    expect(error.message).not.toContain('local-secret');
  });
});

describe('readLocalAwsSettings (DynamoDB Local only)', () => {
  it('uses placeholders when no AWS region or credentials are set, so no AWS account is needed', () => {
    expect(readLocalAwsSettings({})).toEqual({
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  it('uses the AWS variables when they are set', () => {
    const env = { AWS_REGION: 'ap-east-1', AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local-key' };
    expect(readLocalAwsSettings(env)).toEqual({
      region: 'ap-east-1',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-key' },
    });
  });
});

describe('readServiceName', () => {
  it('is POWERTOOLS_SERVICE_NAME when set, else wechat-login', () => {
    expect(readServiceName({ POWERTOOLS_SERVICE_NAME: 'shop-login' })).toBe('shop-login');
    expect(readServiceName({})).toBe('wechat-login');
  });
});

describe('the per-client limits', () => {
  it('default to 60 logins per IP per minute and 10 phone lookups per user per day', () => {
    expect(readLoginLimitConfig({})).toEqual({ loginLimitPerIpPerMinute: 60 });
    expect(readPhoneLimitConfig({})).toEqual({ phoneLimitPerUserPerDay: 10 });
  });

  it('read LOGIN_LIMIT_PER_IP_PER_MINUTE and PHONE_LIMIT_PER_USER_PER_DAY', () => {
    expect(readLoginLimitConfig({ LOGIN_LIMIT_PER_IP_PER_MINUTE: '5' })).toEqual({ loginLimitPerIpPerMinute: 5 });
    expect(readPhoneLimitConfig({ PHONE_LIMIT_PER_USER_PER_DAY: '3' })).toEqual({ phoneLimitPerUserPerDay: 3 });
  });

  it.each([
    ['LOGIN_LIMIT_PER_IP_PER_MINUTE', () => readLoginLimitConfig({ LOGIN_LIMIT_PER_IP_PER_MINUTE: '0' })],
    ['LOGIN_LIMIT_PER_IP_PER_MINUTE', () => readLoginLimitConfig({ LOGIN_LIMIT_PER_IP_PER_MINUTE: 'off' })],
    ['PHONE_LIMIT_PER_USER_PER_DAY', () => readPhoneLimitConfig({ PHONE_LIMIT_PER_USER_PER_DAY: '-1' })],
    ['PHONE_LIMIT_PER_USER_PER_DAY', () => readPhoneLimitConfig({ PHONE_LIMIT_PER_USER_PER_DAY: '2.5' })],
  ])(
    'fail at cold start naming %s for a value that is not a positive whole number (a limit cannot be switched off)',
    (name, read) => {
      const error = configErrorOf(read);
      expect(error.variable).toBe(name);
      expect(error.message).toContain(name);
    }
  );
});

describe('several mini programs', () => {
  it('reads WECHAT_APP_IDS, comma-separated, in order (the first is the original app)', () => {
    expect(readAppIdsConfig({ WECHAT_APP_IDS: 'wxaaaaaaaaaaaaaaaa, wxbbbbbbbbbbbbbbbb' }).appIds).toEqual([
      'wxaaaaaaaaaaaaaaaa',
      'wxbbbbbbbbbbbbbbbb',
    ]);
  });

  it('still reads one app from WECHAT_APP_ID', () => {
    expect(readAppIdsConfig({ WECHAT_APP_ID: 'wx0123456789abcdef' }).appIds).toEqual(['wx0123456789abcdef']);
  });

  it('lets WECHAT_APPS override WECHAT_APP_ID and WECHAT_APP_SECRET', () => {
    const config = readWeChatConfig({
      ...wechatEnv(),
      WECHAT_APPS: '{"wxaaaaaaaaaaaaaaaa":"secret-a","wxbbbbbbbbbbbbbbbb":"secret-b"}',
    });
    expect(config.appIds).toEqual(['wxaaaaaaaaaaaaaaaa', 'wxbbbbbbbbbbbbbbbb']);
    expect(config.appSecrets).toEqual({
      kind: 'values',
      values: { wxaaaaaaaaaaaaaaaa: 'secret-a', wxbbbbbbbbbbbbbbbb: 'secret-b' },
    });
  });

  it.each([
    ['not JSON', '{"wxa":'],
    ['an array', '["wxaaaaaaaaaaaaaaaa"]'],
    ['an empty object', '{}'],
    ['an empty secret', '{"wxaaaaaaaaaaaaaaaa":""}'],
    ['a number for a secret', '{"wxaaaaaaaaaaaaaaaa":1}'],
    ['a key that is no AppID', '{"not an app":"s"}'],
  ])('fails at cold start naming WECHAT_APPS when it is %s, without echoing secrets', (_case, value) => {
    const error = configErrorOf(() => readWeChatConfig({ WECHAT_APPS: value }));
    expect(error.variable).toBe('WECHAT_APPS');
    expect(error.message).toContain('WECHAT_APPS');
    expect(error.message).not.toContain('"s"');
  });

  it.each([
    ['an empty list', ' , '],
    ['a duplicate', 'wxaaaaaaaaaaaaaaaa,wxaaaaaaaaaaaaaaaa'],
    ['something else', 'wxaaaaaaaaaaaaaaaa,hello'],
  ])('fails naming WECHAT_APP_IDS for %s', (_case, value) => {
    expect(configErrorOf(() => readAppIdsConfig({ WECHAT_APP_IDS: value })).variable).toBe('WECHAT_APP_IDS');
  });

  it('refuses one WECHAT_APP_SECRET for several apps, naming it', () => {
    const error = configErrorOf(() =>
      readWeChatConfig({ WECHAT_APP_IDS: 'wxaaaaaaaaaaaaaaaa,wxbbbbbbbbbbbbbbbb', WECHAT_APP_SECRET: 's' })
    );
    expect(error.variable).toBe('WECHAT_APP_SECRET');
  });
});

describe('readSessionLimitConfig', () => {
  it('defaults MAX_SESSIONS_PER_USER to 10 and reads it', () => {
    expect(readSessionLimitConfig({}).maxSessionsPerUser).toBe(10);
    expect(readSessionLimitConfig({ MAX_SESSIONS_PER_USER: '3' }).maxSessionsPerUser).toBe(3);
  });

  it.each(['0', 'ten', '91'])('refuses %s, naming MAX_SESSIONS_PER_USER', (value) => {
    expect(configErrorOf(() => readSessionLimitConfig({ MAX_SESSIONS_PER_USER: value })).variable).toBe(
      'MAX_SESSIONS_PER_USER'
    );
  });
});
