import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { sessionTable } from '../contract/table.js';
import type { LoginReplayPersistence, ReplayRecord } from './login-replay.js';

const KEY = sessionTable.partitionKey.name;
const EXPIRES_AT = sessionTable.timeToLiveAttribute;
/** `code#<HKDF of the code>`: a login code's replay record. The code itself is never stored. */
const CODE_PK_PREFIX = sessionTable.keyPrefixes.loginCode;

type Item = Record<string, unknown>;

const toItem = (id: string, record: ReplayRecord): Item => ({
  [KEY]: CODE_PK_PREFIX + id,
  state: record.state,
  owner: record.owner,
  leaseUntil: record.leaseUntil,
  [EXPIRES_AT]: record.expiresAt,
  ...(record.sealed ? { sealed: record.sealed } : {}),
});

const fromItem = (item: Item): ReplayRecord => ({
  state: item.state === 'done' ? 'done' : 'pending',
  owner: String(item.owner),
  leaseUntil: Number(item.leaseUntil),
  expiresAt: Number(item[EXPIRES_AT]),
  ...(typeof item.sealed === 'string' ? { sealed: item.sealed } : {}),
});

/**
 * LoginReplayPersistence on the session table. Every write is conditional; a failed condition is translated here.
 * TTL deletes old records lazily, so the claim treats an expired record as absent, never trusting TTL.
 */
class DynamoDbLoginReplayPersistence implements LoginReplayPersistence {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string
  ) {}

  async claim(id: string, record: ReplayRecord, nowMs: number): Promise<ReplayRecord | undefined> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(id, record),
          ConditionExpression:
            'attribute_not_exists(#key) OR #exp <= :nowSeconds OR (#state = :pending AND #lease <= :nowMs)',
          ExpressionAttributeNames: { '#key': KEY, '#exp': EXPIRES_AT, '#state': 'state', '#lease': 'leaseUntil' },
          ExpressionAttributeValues: {
            ':nowSeconds': Math.floor(nowMs / 1000),
            ':nowMs': nowMs,
            ':pending': 'pending',
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        })
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Without the old item (cannot happen with ALL_OLD), read it.
      return error.Item ? fromItem(unmarshall(error.Item)) : ((await this.read(id)) ?? { ...record, owner: '' });
    }
  }

  async read(id: string): Promise<ReplayRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [KEY]: CODE_PK_PREFIX + id }, ConsistentRead: true })
    );
    return Item ? fromItem(Item) : undefined;
  }

  async complete(id: string, owner: string, sealed: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [KEY]: CODE_PK_PREFIX + id },
        UpdateExpression: 'SET #state = :done, #sealed = :sealed',
        ConditionExpression: '#state = :pending AND #owner = :owner',
        ExpressionAttributeNames: { '#state': 'state', '#sealed': 'sealed', '#owner': 'owner' },
        ExpressionAttributeValues: { ':done': 'done', ':pending': 'pending', ':owner': owner, ':sealed': sealed },
      })
    );
  }

  async release(id: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [KEY]: CODE_PK_PREFIX + id },
          ConditionExpression: '#state = :pending AND #owner = :owner',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: { ':pending': 'pending', ':owner': owner },
        })
      );
    } catch (error) {
      // Someone else holds it now (our lease ran out): theirs to keep.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

export { CODE_PK_PREFIX, DynamoDbLoginReplayPersistence };
