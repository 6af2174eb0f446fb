import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AccessTokenCache } from './access-token-cache.js';
import { appSecretProvider } from './app-secret.js';
import type { SessionConfig, TableConfig, WeChatConfig } from './config.js';
import { createDocumentClient } from './dynamodb.js';
import { DynamoDbAccessTokenPersistence } from './dynamodb-access-token-persistence.js';
import { DynamoDbSessionPersistence } from './dynamodb-session-persistence.js';
import { PhoneNumbers } from './phone-numbers.js';
import { SessionKeyStatus } from './session-key-status.js';
import { SessionKeys } from './session-keys.js';
import { SessionPolicy } from './session-policy.js';
import { SessionStore } from './session-store.js';
import { UserData } from './user-data.js';
import { WeChatClient } from './wechat-client.js';

/** The production wiring of the session_key services: DynamoDB persistence, the WeChat client, the token cache. */
const sessionKeys = (client: DynamoDBDocumentClient, config: SessionConfig): SessionKeys => {
  const persistence = new DynamoDbSessionPersistence(client, config.tableName);
  const policy = new SessionPolicy(config.sessionTtlSeconds, config.sessionMaxAgeSeconds);
  return new SessionKeys(persistence, new SessionStore(persistence, policy));
};

const wechatClient = (config: WeChatConfig): WeChatClient =>
  new WeChatClient({ ...config, appSecret: appSecretProvider(config.appSecret) });

const accessTokens = (client: DynamoDBDocumentClient, config: TableConfig, wechat: WeChatClient) =>
  new AccessTokenCache(new DynamoDbAccessTokenPersistence(client, config.tableName), () =>
    wechat.fetchStableToken()
  );

const createUserData = (config: SessionConfig, appId: string): UserData =>
  new UserData(sessionKeys(createDocumentClient(config), config), appId);

const createSessionKeyStatus = (config: SessionConfig, wechatConfig: WeChatConfig): SessionKeyStatus => {
  const client = createDocumentClient(config);
  const wechat = wechatClient(wechatConfig);
  return new SessionKeyStatus(sessionKeys(client, config), accessTokens(client, config, wechat), wechat);
};

const createPhoneNumbers = (config: TableConfig, wechatConfig: WeChatConfig): PhoneNumbers => {
  const wechat = wechatClient(wechatConfig);
  return new PhoneNumbers(accessTokens(createDocumentClient(config), config, wechat), wechat);
};

export { createPhoneNumbers, createSessionKeyStatus, createUserData };
