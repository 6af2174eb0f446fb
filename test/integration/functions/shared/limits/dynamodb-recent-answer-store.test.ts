import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionTable } from '../../../../../functions/shared/contract/table.js';
import {
  DynamoDbRecentAnswerStore,
  recentAnswerKey,
} from '../../../../../functions/shared/limits/dynamodb-recent-answer-store.js';
import { RecentAnswers } from '../../../../../functions/shared/limits/recent-answers.js';
import { createTestTable, testDocumentClient } from '../../../../support/dynamodb.js';

const db = testDocumentClient();
const PREFIX = sessionTable.keyPrefixes.statusCheck;
let tableName: string;

beforeAll(async () => {
  tableName = await createTestTable();
});

describe('DynamoDbRecentAnswerStore on DynamoDB Local', () => {
  it('twenty concurrent checks of one user (as separate Lambdas) ask exactly once; the others get its answer or a 429', async () => {
    let asked = 0;
    const ask = async () => {
      asked += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return true;
    };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        new RecentAnswers(new DynamoDbRecentAnswerStore(db, tableName, PREFIX), {
          name: 'checks',
          windowSeconds: 60,
        }).answer('oConcurrent', 'fp-1', ask)
      )
    );
    expect(asked).toBe(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') expect(outcome.value).toBe(true);
      else expect(outcome.reason).toMatchObject({ code: 'rate_limited', retryAfterSeconds: expect.any(Number) });
    }
    // Once answered, every later call in the window gets the answer.
    const later = new RecentAnswers(new DynamoDbRecentAnswerStore(db, tableName, PREFIX), {
      name: 'checks',
      windowSeconds: 60,
    });
    expect(await later.answer('oConcurrent', 'fp-1', ask)).toBe(true);
    expect(asked).toBe(1);
  });

  it('claims a window once per fingerprint, stores the answer only in its own claim, and sets the TTL to the window end', async () => {
    const store = new DynamoDbRecentAnswerStore(db, tableName, PREFIX);
    const now = Date.now();
    expect(await store.claim('oUser', 'fp-a', now, now + 60_000)).toBe(true);
    expect(await store.claim('oUser', 'fp-a', now + 1000, now + 61_000)).toBe(false);
    // Another key (a re-login) takes the entry at once; the first claim's late answer does not land in it.
    expect(await store.claim('oUser', 'fp-b', now + 2000, now + 62_000)).toBe(true);
    await store.record('oUser', { fingerprint: 'fp-a', until: now + 60_000 }, false);
    expect(await store.get('oUser')).toEqual({ fingerprint: 'fp-b', until: now + 62_000 });
    await store.record('oUser', { fingerprint: 'fp-b', until: now + 62_000 }, true);
    expect(await store.get('oUser')).toEqual({ fingerprint: 'fp-b', until: now + 62_000, answer: true });
    // After the window, the same fingerprint may be claimed again.
    expect(await store.claim('oUser', 'fp-b', now + 62_000, now + 122_000)).toBe(true);

    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: { pk: recentAnswerKey(PREFIX, 'oUser') }, ConsistentRead: true })
    );
    expect(Item?.expiresAt).toBe(Math.ceil((now + 122_000) / 1000));
  });
});
