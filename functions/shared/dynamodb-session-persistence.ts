import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SessionPersistence, SessionRecord } from './session-store.js';
import { sessionTable } from './table.js';

const KEY = sessionTable.partitionKey.name;
const EXPIRES_AT = sessionTable.timeToLiveAttribute;
const KEY_PREFIX = 'session#';

/**
 * SessionPersistence on the session table. Only DynamoDB is spoken here; the session rules are in SessionStore.
 * Expressions use placeholders throughout, and a failed condition is translated here rather than leaked.
 */
class DynamoDbSessionPersistence implements SessionPersistence {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string
  ) {}

  async put(record: SessionRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toItem(record),
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': KEY },
      })
    );
  }

  async get(key: string): Promise<SessionRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [KEY]: KEY_PREFIX + key },
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
          Key: { [KEY]: KEY_PREFIX + key },
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
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { [KEY]: KEY_PREFIX + key } })
    );
  }
}

type Item = Record<string, unknown>;

const toItem = (record: SessionRecord): Item => ({
  [KEY]: KEY_PREFIX + record.key,
  openid: record.openid,
  ...(record.unionid ? { unionid: record.unionid } : {}),
  sessionKey: record.sessionKey,
  createdAt: record.createdAt,
  [EXPIRES_AT]: record.expiresAt,
});

const fromItem = (item: Item): SessionRecord => ({
  key: String(item[KEY]).slice(KEY_PREFIX.length),
  openid: String(item.openid),
  ...(typeof item.unionid === 'string' ? { unionid: item.unionid } : {}),
  sessionKey: String(item.sessionKey),
  createdAt: Number(item.createdAt),
  expiresAt: Number(item[EXPIRES_AT]),
});

export { DynamoDbSessionPersistence, KEY_PREFIX as SESSION_KEY_PREFIX };
