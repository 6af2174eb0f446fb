import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { sessionTable } from '../contract/table.js';
import { unionidField } from './identity.js';
import type { LatestSessionKey, LatestSessionKeyReader } from './latest-session-key.js';
import type { SessionPersistence, SessionRecord } from './session-store.js';

const KEY = sessionTable.partitionKey.name;
const EXPIRES_AT = sessionTable.timeToLiveAttribute;
/** Partition-key prefixes of the two item kinds written here (not to be confused with WeChat's session_key). */
const SESSION_PK_PREFIX = sessionTable.keyPrefixes.session;
const USER_PK_PREFIX = sessionTable.keyPrefixes.user;

/**
 * SessionPersistence on the session table. Only DynamoDB is spoken here; the session rules are in SessionStore.
 * Expressions use placeholders throughout, and a failed condition is translated here rather than leaked.
 *
 * Beside each session, a user item (`user#<openid>`) holds the session_key of the user's latest login: WeChat keeps
 * one valid session_key per user, so every session of the user decrypts with that one.
 */
class DynamoDbSessionPersistence implements SessionPersistence, LatestSessionKeyReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string
  ) {}

  /**
   * One TransactWriteItems: the new session (never overwriting one) and the user's latest session_key, so login
   * stays a single DynamoDB request and the two can never disagree. IAM-wise each part is a PutItem.
   */
  async put(record: SessionRecord, latest: LatestSessionKey): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: toItem(record),
              ConditionExpression: 'attribute_not_exists(#key)',
              ExpressionAttributeNames: { '#key': KEY },
            },
          },
          { Put: { TableName: this.tableName, Item: toUserItem(latest) } },
        ],
      })
    );
  }

  /** The session_key of the user's latest login, strongly consistent so a login just made is seen. */
  async getLatestSessionKey(openid: string): Promise<LatestSessionKey | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [KEY]: USER_PK_PREFIX + openid },
        ConsistentRead: true,
      })
    );
    return Item ? fromUserItem(Item) : undefined;
  }

  async get(key: string): Promise<SessionRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [KEY]: SESSION_PK_PREFIX + key },
        ConsistentRead: true,
      })
    );
    return Item ? fromItem(Item) : undefined;
  }

  async extend(key: string, expiresAt: number, now: number): Promise<SessionRecord | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [KEY]: SESSION_PK_PREFIX + key },
          UpdateExpression: 'SET #exp = :exp',
          // attribute_exists: never resurrect a logged-out session as a bare item.
          ConditionExpression: 'attribute_exists(#key) AND #exp > :now AND #exp < :exp',
          ExpressionAttributeNames: { '#key': KEY, '#exp': EXPIRES_AT },
          ExpressionAttributeValues: { ':exp': expiresAt, ':now': now },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        })
      );
      return Attributes ? fromItem(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        // Deleted (no item), expired, or already renewed by a concurrent request: report what is there now.
        return error.Item ? fromItem(unmarshall(error.Item)) : undefined;
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { [KEY]: SESSION_PK_PREFIX + key } }));
  }
}

type Item = Record<string, unknown>;

const toItem = (record: SessionRecord): Item => ({
  [KEY]: SESSION_PK_PREFIX + record.key,
  openid: record.openid,
  ...unionidField(record.unionid),
  sessionKey: record.sessionKey,
  createdAt: record.createdAt,
  [EXPIRES_AT]: record.expiresAt,
});

const fromItem = (item: Item): SessionRecord => ({
  key: String(item[KEY]).slice(SESSION_PK_PREFIX.length),
  openid: String(item.openid),
  ...unionidField(item.unionid),
  sessionKey: String(item.sessionKey),
  createdAt: Number(item.createdAt),
  expiresAt: Number(item[EXPIRES_AT]),
});

const toUserItem = (latest: LatestSessionKey): Item => ({
  [KEY]: USER_PK_PREFIX + latest.openid,
  openid: latest.openid,
  sessionKey: latest.sessionKey,
  updatedAt: latest.updatedAt,
  [EXPIRES_AT]: latest.expiresAt,
});

const fromUserItem = (item: Item): LatestSessionKey => ({
  openid: String(item.openid),
  sessionKey: String(item.sessionKey),
  updatedAt: Number(item.updatedAt),
  expiresAt: Number(item[EXPIRES_AT]),
});

export { DynamoDbSessionPersistence, SESSION_PK_PREFIX, USER_PK_PREFIX };
