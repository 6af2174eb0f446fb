import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { itemAttributes, sessionTable } from '../contract/table.js';
import type { RecentAnswer, RecentAnswerStore } from './recent-answers.js';

const KEY = sessionTable.partitionKey.name;
const TTL = sessionTable.timeToLiveAttribute;

/** The entry of one subject. */
const recentAnswerKey = (keyPrefix: string, subject: string): string => `${keyPrefix}${subject}`;

const names = { '#fp': 'fingerprint', '#until': 'answerUntilMs', '#answer': 'answer', '#ttl': TTL } as const;

/**
 * RecentAnswerStore on the session table: one item per subject, `pk = <prefix><subject>`, holding `fingerprint`,
 * `answerUntilMs` (epoch milliseconds), `answer` once known, and `expiresAt` (epoch seconds, TTL) at the window's end.
 * The claim is one conditional UpdateItem; a refused condition is `false`, anything else throws.
 *
 * @example
 * const store = new DynamoDbRecentAnswerStore(client, tableName, sessionTable.keyPrefixes.statusCheck);
 */
class DynamoDbRecentAnswerStore implements RecentAnswerStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly keyPrefix: string
  ) {}

  async get(subject: string): Promise<RecentAnswer | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: this.key(subject),
        ConsistentRead: true,
        // Only the entry's own attributes (contract/table.ts): the IAM grant allows no others.
        ProjectionExpression: itemAttributes.recentAnswer.map((_, index) => `#a${index}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(
          itemAttributes.recentAnswer.map((name, index) => [`#a${index}`, name])
        ),
      })
    );
    if (!Item || typeof Item.fingerprint !== 'string' || typeof Item.answerUntilMs !== 'number') return undefined;
    return {
      fingerprint: Item.fingerprint,
      until: Item.answerUntilMs,
      ...(typeof Item.answer === 'boolean' ? { answer: Item.answer } : {}),
    };
  }

  async claim(subject: string, fingerprint: string, now: number, until: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(subject),
          UpdateExpression: 'SET #fp = :fp, #until = :until, #ttl = :ttl REMOVE #answer',
          ConditionExpression: 'attribute_not_exists(#until) OR #until <= :now OR #fp <> :fp',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':fp': fingerprint,
            ':until': until,
            ':now': now,
            ':ttl': Math.ceil(until / 1000),
          },
        })
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async record(subject: string, claim: { fingerprint: string; until: number }, answer: boolean): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(subject),
          UpdateExpression: 'SET #answer = :answer',
          ConditionExpression: '#fp = :fp AND #until = :until',
          ExpressionAttributeNames: { '#answer': names['#answer'], '#fp': names['#fp'], '#until': names['#until'] },
          ExpressionAttributeValues: { ':answer': answer, ':fp': claim.fingerprint, ':until': claim.until },
        })
      );
    } catch (error) {
      // A newer question took the entry meanwhile: its answer is the one to keep.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private key(subject: string): Record<string, string> {
    return { [KEY]: recentAnswerKey(this.keyPrefix, subject) };
  }
}

export { DynamoDbRecentAnswerStore, recentAnswerKey };
