import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sessionTable } from '../contract/table.js';
import type { CounterStore, LimitWindow } from './rate-limiter.js';

const KEY = sessionTable.partitionKey.name;
const TTL = sessionTable.timeToLiveAttribute;

/** A counter's key: one item per subject and window. */
const counterKey = (keyPrefix: string, subject: string, window: LimitWindow): string =>
  `${keyPrefix}${subject}#${window.start}`;

/**
 * CounterStore on the session table: one item per subject and window, `pk = <prefix><subject>#<window start>`,
 * holding `count` and `expiresAt` (the window's end: TTL removes it later; the window in the key means a stale item
 * is never counted again, so TTL's lateness does not matter). Each call is one UpdateItem that adds 1 on condition
 * the count is below the limit: concurrent callers cannot both take the last place.
 *
 * @example
 * const counters = new DynamoDbCounterStore(client, tableName, sessionTable.keyPrefixes.loginLimit);
 */
class DynamoDbCounterStore implements CounterStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly keyPrefix: string
  ) {}

  async increment(subject: string, window: LimitWindow, limit: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [KEY]: counterKey(this.keyPrefix, subject, window) },
          UpdateExpression: 'ADD #count :one SET #ttl = :end',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL },
          ExpressionAttributeValues: { ':one': 1, ':end': window.end, ':limit': limit },
        })
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

export { counterKey, DynamoDbCounterStore };
