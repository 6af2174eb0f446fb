import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createLoginLimit } from '../../../../../functions/shared/composition-roots/limits.js';
import { sessionTable } from '../../../../../functions/shared/contract/table.js';
import { counterKey, DynamoDbCounterStore } from '../../../../../functions/shared/limits/dynamodb-counter-store.js';
import { windowAt } from '../../../../../functions/shared/limits/rate-limiter.js';
import { createTestTable, testDocumentClient } from '../../../../support/dynamodb.js';

const db = testDocumentClient();
const PREFIX = sessionTable.keyPrefixes.loginLimit;

describe('DynamoDbCounterStore on DynamoDB Local', () => {
  it('lets exactly `limit` of N concurrent calls through: no read-modify-write race', async () => {
    const tableName = await createTestTable();
    const store = new DynamoDbCounterStore(db, tableName, PREFIX);
    const window = windowAt({ windowSeconds: 60 }, Date.now());
    const limit = 7;
    const results = await Promise.all(Array.from({ length: 40 }, () => store.increment('198.51.100.4', window, limit)));
    expect(results.filter(Boolean)).toHaveLength(limit);

    const { Item } = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: counterKey(PREFIX, '198.51.100.4', window) },
        ConsistentRead: true,
      })
    );
    // Refused calls wrote nothing: the count stops at the limit. The TTL is the window's end.
    expect(Item).toEqual({ pk: counterKey(PREFIX, '198.51.100.4', window), count: limit, expiresAt: window.end });
  });

  it('keeps windows and subjects apart', async () => {
    const tableName = await createTestTable();
    const store = new DynamoDbCounterStore(db, tableName, PREFIX);
    const now = Date.now();
    const thisMinute = windowAt({ windowSeconds: 60 }, now);
    const nextMinute = windowAt({ windowSeconds: 60 }, now + 60_000);
    expect(await store.increment('a', thisMinute, 1)).toBe(true);
    expect(await store.increment('a', thisMinute, 1)).toBe(false);
    expect(await store.increment('b', thisMinute, 1)).toBe(true);
    expect(await store.increment('a', nextMinute, 1)).toBe(true);
  });

  it('through the production wiring: 25 concurrent logins from one IP, limit 10, exactly 10 pass', async () => {
    const tableName = await createTestTable();
    const limiter = createLoginLimit(db, { tableName }, { loginLimitPerIpPerMinute: 10 });
    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, () => limiter.take('2001:db8::42')));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(10);
    const refusals = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refusals).toHaveLength(15);
    for (const refusal of refusals)
      expect((refusal as PromiseRejectedResult).reason).toMatchObject({ code: 'rate_limited' });
  });
});
