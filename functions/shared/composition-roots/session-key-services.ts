import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PhoneLimitConfig, SessionConfig, TableConfig, WeChatConfig } from '../runtime/config.js';
import { createDocumentClient } from '../runtime/dynamodb.js';
import { PhoneNumbers } from '../session-key/phone-numbers.js';
import { RawDataSignatures } from '../session-key/raw-data-signatures.js';
import { SessionKeyStatus } from '../session-key/session-key-status.js';
import { UserData } from '../session-key/user-data.js';
import { DynamoDbSessionPersistence } from '../sessions/dynamodb-session-persistence.js';
import { SessionKeys } from '../sessions/latest-session-key.js';
import { AccessTokenCache } from '../wechat/access-token-cache.js';
import type { WeChatClient } from '../wechat/client.js';
import { accessTokenKeyOf, DynamoDbAccessTokenPersistence } from '../wechat/dynamodb-access-token-persistence.js';
import { createPhoneLimit, createSessionKeyChecks } from './limits.js';
import { createSessionStore } from './sessions.js';
import { createWeChatApps } from './wechat-client.js';

/**
 * The production wiring of the session_key services: DynamoDB persistence, one WeChat client and one access_token
 * cache per configured app. The status check reads the user item and ends the calling session through one
 * persistence (one client), the session through the same store login and the authorizer use.
 */
const sessionKeys = (client: DynamoDBDocumentClient, config: TableConfig): SessionKeys =>
  new SessionKeys(new DynamoDbSessionPersistence(client, config.tableName));

/** Per app, created on first use: its WeChat client and its access_token cache. */
const appServices = (client: DynamoDBDocumentClient, config: TableConfig, wechatConfig: WeChatConfig) => {
  const apps = createWeChatApps(wechatConfig);
  const byApp = new Map<string, { tokens: AccessTokenCache; wechat: WeChatClient }>();
  return (appId: string) => {
    const wechat = apps.client(appId);
    let services = byApp.get(appId);
    if (!services) {
      const persistence = new DynamoDbAccessTokenPersistence(client, config.tableName, accessTokenKeyOf(appId));
      services = { tokens: new AccessTokenCache(persistence, () => wechat.fetchStableToken()), wechat };
      byApp.set(appId, services);
    }
    return services;
  };
};

const createUserData = (config: TableConfig): UserData =>
  new UserData(sessionKeys(createDocumentClient(config), config));

const createRawDataSignatures = (config: TableConfig): RawDataSignatures =>
  new RawDataSignatures(sessionKeys(createDocumentClient(config), config));

const createSessionKeyStatus = (config: SessionConfig, wechatConfig: WeChatConfig): SessionKeyStatus => {
  const client = createDocumentClient(config);
  const persistence = new DynamoDbSessionPersistence(client, config.tableName);
  return new SessionKeyStatus(
    new SessionKeys(persistence),
    createSessionStore(config, { persistence }),
    appServices(client, config, wechatConfig),
    createSessionKeyChecks(client, config)
  );
};

const createPhoneNumbers = (
  config: TableConfig,
  wechatConfig: WeChatConfig,
  limitConfig: PhoneLimitConfig
): PhoneNumbers => {
  const client = createDocumentClient(config);
  return new PhoneNumbers(appServices(client, config, wechatConfig), createPhoneLimit(client, config, limitConfig));
};

export { createPhoneNumbers, createRawDataSignatures, createSessionKeyStatus, createUserData };
