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
import { DynamoDbAccessTokenPersistence } from '../wechat/dynamodb-access-token-persistence.js';
import { createPhoneLimit, createSessionKeyChecks } from './limits.js';
import { createSessionStore } from './sessions.js';
import { createWeChatClient } from './wechat-client.js';

/**
 * The production wiring of the session_key services: DynamoDB persistence, the WeChat client, the token cache.
 * The status check reads the user item and ends the calling session through one persistence (so one DynamoDB client),
 * and ends it through the same SessionStore that login and the authorizer use.
 */
const sessionKeys = (client: DynamoDBDocumentClient, config: TableConfig): SessionKeys =>
  new SessionKeys(new DynamoDbSessionPersistence(client, config.tableName));

const accessTokens = (client: DynamoDBDocumentClient, config: TableConfig, wechat: WeChatClient) =>
  new AccessTokenCache(new DynamoDbAccessTokenPersistence(client, config.tableName), () => wechat.fetchStableToken());

const createUserData = (config: TableConfig, appId: string): UserData =>
  new UserData(sessionKeys(createDocumentClient(config), config), appId);

const createRawDataSignatures = (config: TableConfig): RawDataSignatures =>
  new RawDataSignatures(sessionKeys(createDocumentClient(config), config));

const createSessionKeyStatus = (config: SessionConfig, wechatConfig: WeChatConfig): SessionKeyStatus => {
  const client = createDocumentClient(config);
  const wechat = createWeChatClient(wechatConfig);
  const persistence = new DynamoDbSessionPersistence(client, config.tableName);
  return new SessionKeyStatus(
    new SessionKeys(persistence),
    createSessionStore(config, persistence),
    accessTokens(client, config, wechat),
    wechat,
    createSessionKeyChecks(client, config)
  );
};

const createPhoneNumbers = (
  config: TableConfig,
  wechatConfig: WeChatConfig,
  limitConfig: PhoneLimitConfig
): PhoneNumbers => {
  const client = createDocumentClient(config);
  const wechat = createWeChatClient(wechatConfig);
  return new PhoneNumbers(
    accessTokens(client, config, wechat),
    wechat,
    createPhoneLimit(client, config, limitConfig),
    wechatConfig.appId
  );
};

export { createPhoneNumbers, createRawDataSignatures, createSessionKeyStatus, createUserData };
