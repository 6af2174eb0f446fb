import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../../../functions/shared/runtime/dynamodb.js';
import { DynamoDbSessionPersistence } from '../../../../../functions/shared/sessions/dynamodb-session-persistence.js';
import { hashSessionId } from '../../../../../functions/shared/sessions/session-id.js';
import { SessionPolicy } from '../../../../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../../../../functions/shared/sessions/session-store.js';
import { createTestTable, testDocumentClient } from '../../../../support/dynamodb.js';

/**
 * Sliding renewal and its cap, proven on DynamoDB Local with a clock the test moves. TTL deletion is off on this
 * table so that expiry is decided by the store's own check, as it must be on AWS.
 */
const TTL = 100;
const MAX_AGE = 250;
const db = testDocumentClient();
const APP = 'wxaaaaaaaaaaaaaaaa';

describe('session renewal on DynamoDB Local', () => {
  let tableName: string;
  let persistence: DynamoDbSessionPersistence;
  let now: number;
  let store: SessionStore;

  const expiresAtInTable = async (sessionId: string) =>
    (
      await db.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `session#${hashSessionId(sessionId)}` },
          ConsistentRead: true,
        })
      )
    ).Item?.expiresAt as number | undefined;

  beforeAll(async () => {
    tableName = await createTestTable({ ttl: false });
    persistence = new DynamoDbSessionPersistence(
      createDocumentClient({ tableName, dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT! }),
      tableName
    );
    now = Date.now();
    store = new SessionStore(persistence, new SessionPolicy(TTL, MAX_AGE), { clock: () => now, originalAppId: APP });
  });

  it('moves expiresAt forward once per half idle window and never past the max age', async () => {
    const t0 = Math.floor(now / 1000);
    const at = (seconds: number) => {
      now = (t0 + seconds) * 1000;
    };
    at(0);
    const { sessionId } = await store.create({ appId: APP, openid: 'o-renew', sessionKey: 'a2V5a2V5a2V5a2V5a2V5aw==' });
    expect(await expiresAtInTable(sessionId)).toBe(t0 + TTL);

    at(10); // well inside the first half: allowed, nothing written
    expect(await store.authorize(sessionId)).toEqual({ openid: 'o-renew', appId: APP, expiresAt: t0 + TTL });
    expect(await expiresAtInTable(sessionId)).toBe(t0 + TTL);

    at(60); // 40 s left of 100: renewed to now + TTL, and the caller learns the new expiry
    expect(await store.authorize(sessionId)).toEqual({ openid: 'o-renew', appId: APP, expiresAt: t0 + 160 });
    expect(await expiresAtInTable(sessionId)).toBe(t0 + 160);

    at(70); // just renewed: no second write
    await store.authorize(sessionId);
    expect(await expiresAtInTable(sessionId)).toBe(t0 + 160);

    at(120);
    await store.authorize(sessionId);
    expect(await expiresAtInTable(sessionId)).toBe(t0 + 220);

    at(200); // now + TTL would pass the cap: capped at login + max age
    await store.authorize(sessionId);
    expect(await expiresAtInTable(sessionId)).toBe(t0 + MAX_AGE);

    at(249);
    expect(await store.authorize(sessionId)).toBeDefined();
    expect(await expiresAtInTable(sessionId)).toBe(t0 + MAX_AGE);

    at(MAX_AGE); // however busy, the session ends at the max age
    expect(await store.authorize(sessionId)).toBeUndefined();
    expect(await expiresAtInTable(sessionId)).toBe(t0 + MAX_AGE);
  });

  it('never resurrects a logged-out session when a renewal races the logout', async () => {
    const t0 = Math.floor(now / 1000);
    const { sessionId } = await store.create({ appId: APP, openid: 'o-race', sessionKey: 'a2V5a2V5a2V5a2V5a2V5aw==' });
    await store.revoke({ openid: 'o-race' }, sessionId);

    const renewed = await persistence.extend(hashSessionId(sessionId), t0 + 500, t0 + 1);
    expect(renewed).toBe(false);
    expect(await expiresAtInTable(sessionId)).toBeUndefined();
  });

  it('never pulls the expiry back when a concurrent request already renewed further', async () => {
    const t0 = Math.floor(now / 1000);
    const { sessionId } = await store.create({
      appId: APP,
      openid: 'o-concurrent',
      sessionKey: 'a2V5a2V5a2V5a2V5a2V5aw==',
    });
    const key = hashSessionId(sessionId);
    const first = await persistence.extend(key, t0 + TTL + 50, t0 + 1);
    expect(first).toBe(true);
    // A slower request computed an earlier expiry: it must not pull the expiry back.
    const second = await persistence.extend(key, t0 + TTL + 20, t0 + 1);
    expect(second).toBe(false);
    expect(await expiresAtInTable(sessionId)).toBe(t0 + TTL + 50);
  });
});
