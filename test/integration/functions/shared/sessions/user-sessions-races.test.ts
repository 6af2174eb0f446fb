import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../../../functions/shared/runtime/clock.js';
import { createDocumentClient } from '../../../../../functions/shared/runtime/dynamodb.js';
import { DynamoDbSessionPersistence } from '../../../../../functions/shared/sessions/dynamodb-session-persistence.js';
import { hashSessionId } from '../../../../../functions/shared/sessions/session-id.js';
import { SessionPolicy } from '../../../../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../../../../functions/shared/sessions/session-store.js';
import { createTestTable, testDocumentClient } from '../../../../support/dynamodb.js';

/**
 * The user layer's races on DynamoDB Local, with the real persistence: concurrent first logins, concurrent logins and
 * the newest session_key, sign-out everywhere against renewals and logins, and records from before the upgrade.
 */
const TTL = 3600;
const MAX_AGE = 86_400;
const APP = 'wxaaaaaaaaaaaaaaaa';
const db = testDocumentClient();

let tableName: string;
let persistence: DynamoDbSessionPersistence;

const storeAt = (clock: Clock, maxSessionsPerUser = 10) =>
  new SessionStore(persistence, new SessionPolicy(TTL, MAX_AGE), { clock, maxSessionsPerUser, originalAppId: APP });

const userItem = async (openid: string) =>
  (await db.send(new GetCommand({ TableName: tableName, Key: { pk: `user#${openid}` }, ConsistentRead: true }))).Item;

const sessionItems = async () =>
  ((await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? []).filter((item) =>
    String(item.pk).startsWith('session#')
  );

beforeEach(async () => {
  tableName = await createTestTable({ ttl: false });
  persistence = new DynamoDbSessionPersistence(
    createDocumentClient({ tableName, dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT! }),
    tableName
  );
});

describe('racing logins of one user', () => {
  it('gives exactly one of several simultaneous first logins isNewUser true, and keeps every session', async () => {
    const store = storeAt(Date.now);
    const identity = { appId: APP, openid: 'o-first', sessionKey: 'a2V5a2V5a2V5a2V5a2V5aw==' };
    const issued = await Promise.all(Array.from({ length: 6 }, () => store.create(identity)));
    expect(issued.filter((session) => session.isNewUser)).toHaveLength(1);
    const user = await userItem('o-first');
    expect(Object.keys(user?.sessions ?? {})).toHaveLength(6);
    expect(typeof user?.firstLoginAt).toBe('number');
    for (const session of issued) expect(await store.authorize(session.sessionId)).toBeDefined();
  }, 30_000);

  it('never leaves an older session_key stored as the newest, in whatever order the writes land', async () => {
    const base = Date.now();
    // Ten logins whose keys reached our server 1 ms apart, written in a shuffled order and concurrently.
    const logins = Array.from({ length: 10 }, (_, i) => ({
      at: base + i,
      key: Buffer.alloc(16, i + 1).toString('base64'),
    }));
    const shuffled = [...logins].sort(() => Math.random() - 0.5);
    await Promise.all(
      shuffled.map(({ at, key }) => storeAt(() => at).create({ appId: APP, openid: 'o-keys', sessionKey: key }))
    );
    const user = await userItem('o-keys');
    expect(user?.sessionKey).toBe(logins.at(-1)?.key);
    expect(user?.keyIssuedAt).toBe(base + 9);
    expect(Object.keys(user?.sessions ?? {})).toHaveLength(10);
  }, 30_000);

  it('ends the oldest session when a login goes beyond the limit, in the same write', async () => {
    let now = Date.now();
    const store = storeAt(() => now, 3);
    const identity = { appId: APP, openid: 'o-limit', sessionKey: 'a2V5a2V5a2V5a2V5a2V5aw==' };
    const issued = [];
    for (let i = 0; i < 4; i += 1) {
      now += 1000;
      issued.push(await store.create(identity));
    }
    expect(await store.authorize(issued[0]?.sessionId)).toBeUndefined();
    expect(await sessionItems()).toHaveLength(3);
    expect(
      (await store.list({ appId: APP, openid: 'o-limit' }, issued[3]?.sessionId)).map((session) => session.current)
    ).toEqual([true, false, false]);
  }, 30_000);
});

describe('signing out everywhere', () => {
  it('ends every session while renewals of those sessions run concurrently, and none comes back', async () => {
    const login = Date.now();
    let now = login;
    const store = storeAt(() => now);
    const caller = { appId: APP, openid: 'o-everywhere' };
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push((await store.create({ ...caller, sessionKey: 'a2V5a2V5a2V5a2V5a2V5aw==' })).sessionId);
    now = login + (TTL / 2 + 60) * 1000; // every session is due for its sliding renewal
    const renewals = Array.from({ length: 40 }, (_, i) => store.authorize(ids[i % ids.length]));
    await Promise.all([store.revokeAll(caller, ids[0]), ...renewals]);
    for (const sessionId of ids) expect(await store.authorize(sessionId)).toBeUndefined();
    // A renewal that lost the race must not have recreated a session as a bare item.
    expect(await sessionItems()).toEqual([]);
    expect((await userItem('o-everywhere'))?.sessions).toEqual({});
  }, 30_000);

  it('leaves no live session off the list when logins race it: each one is ended or listed', async () => {
    const store = storeAt(Date.now);
    const caller = { appId: APP, openid: 'o-racing' };
    const identity = { ...caller, sessionKey: 'a2V5a2V5a2V5a2V5a2V5aw==' };
    const first = await store.create(identity);
    const [, ...late] = await Promise.all([
      store.revokeAll(caller, first.sessionId),
      store.create(identity),
      store.create(identity),
    ]);
    const listed = new Set((await store.list(caller, undefined)).map((session) => session.handle));
    const live = (await sessionItems()).map((item) => String(item.pk).slice('session#'.length));
    expect(live.length).toBe(listed.size);
    for (const issued of late) {
      const alive = (await store.authorize(issued?.sessionId)) !== undefined;
      expect(live.includes(hashSessionId(String(issued?.sessionId)))).toBe(alive);
    }
    expect(await store.authorize(first.sessionId)).toBeUndefined();
  }, 30_000);
});

describe('items from before several apps and the user layer', () => {
  const legacySession = async (sessionId: string, openid: string, now: number) => {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: `session#${hashSessionId(sessionId)}`,
          openid,
          sessionKey: 'bGVnYWN5LWtleS0xMjM0NQ==',
          createdAt: now,
          expiresAt: now + TTL,
        },
      })
    );
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: `user#${openid}`,
          openid,
          sessionKey: 'bGVnYWN5LWtleS0xMjM0NQ==',
          updatedAt: now,
          expiresAt: now + MAX_AGE,
        },
      })
    );
  };

  it("keeps a live session valid as the original app's, reads no session_key with it, and logs it out", async () => {
    const now = Math.floor(Date.now() / 1000);
    const sessionId = 'L'.repeat(43);
    await legacySession(sessionId, 'o-legacy', now);
    const store = storeAt(Date.now);
    expect(await store.authorize(sessionId)).toMatchObject({ openid: 'o-legacy', appId: APP });
    expect(await persistence.get(hashSessionId(sessionId))).not.toHaveProperty('sessionKey');
    await store.revoke({ openid: 'o-legacy' }, sessionId);
    expect(await store.authorize(sessionId)).toBeUndefined();
  }, 30_000);

  it('treats a user seen before the upgrade as known (isNewUser false) and rewrites the record without a TTL', async () => {
    const now = Math.floor(Date.now() / 1000);
    await legacySession('M'.repeat(43), 'o-known', now);
    const issued = await storeAt(Date.now).create({
      appId: APP,
      openid: 'o-known',
      sessionKey: 'bmV3LWtleS0xMjM0NTY3OA==',
    });
    expect(issued.isNewUser).toBe(false);
    const user = await userItem('o-known');
    expect(user).toMatchObject({ appId: APP, sessionKey: 'bmV3LWtleS0xMjM0NTY3OA==', firstLoginAt: now * 1000 });
    expect(user).not.toHaveProperty('expiresAt');
    expect(user).not.toHaveProperty('updatedAt');
  }, 30_000);
});
