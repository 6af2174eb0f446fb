import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenCache } from '../../../../../functions/shared/wechat/access-token-cache.js';
import {
  ACCESS_TOKEN_KEY,
  DynamoDbAccessTokenPersistence,
} from '../../../../../functions/shared/wechat/dynamodb-access-token-persistence.js';
import { createTestTable, testDocumentClient } from '../../../../support/dynamodb.js';
import { must } from '../../../../support/must.js';

/** The access_token entry on DynamoDB Local: the conditions that make the shared cache safe, for real. */
const db = testDocumentClient();
let tableName: string;
let persistence: DynamoDbAccessTokenPersistence;
const NOW = Date.now();

const storedItem = async () =>
  (await db.send(new GetCommand({ TableName: tableName, Key: { pk: ACCESS_TOKEN_KEY }, ConsistentRead: true }))).Item;

beforeAll(async () => {
  tableName = await createTestTable();
  persistence = new DynamoDbAccessTokenPersistence(db, tableName);
});

describe('DynamoDbAccessTokenPersistence', () => {
  it('lets one owner at a time hold the refresh lock, and another take it only after it lapses', async () => {
    const key = `token#lock-${NOW}`;
    const p = new DynamoDbAccessTokenPersistence(db, tableName, key);
    expect(await p.lock('a', NOW, NOW + 5000)).toBe(true);
    expect(await p.lock('b', NOW + 1000, NOW + 6000)).toBe(false);
    expect((await p.read()).lock).toEqual({ owner: 'a', expiresAt: NOW + 5000 });
    expect(await p.lock('b', NOW + 5000, NOW + 10_000)).toBe(true);
    expect((await p.read()).lock?.owner).toBe('b');
    // a's unlock must not release b's lock.
    await p.unlock('a');
    expect((await p.read()).lock?.owner).toBe('b');
    await p.unlock('b');
    expect((await p.read()).lock).toBeUndefined();
  });

  it('a failed refresh frees the lock and stores the back-off in the same entry; only the holder can; a save clears it', async () => {
    const key = `token#backoff-${NOW}`;
    const p = new DynamoDbAccessTokenPersistence(db, tableName, key);
    expect(await p.lock('a', NOW, NOW + 5000)).toBe(true);
    await p.failRefresh('b', NOW + 9999);
    expect(await p.read()).toEqual({ lock: { owner: 'a', expiresAt: NOW + 5000 } });
    await p.failRefresh('a', NOW + 5000);
    expect(await p.read()).toEqual({ refreshBlockedUntil: NOW + 5000 });
    expect(await p.lock('c', NOW + 5000, NOW + 10_000)).toBe(true);
    expect(await p.save({ value: 'fresh', expiresAt: NOW + 7_200_000 }, 'c')).toBe(true);
    expect(await p.read()).toEqual({ token: { value: 'fresh', expiresAt: NOW + 7_200_000 } });
  });

  it('never writes a stale token over a newer one, nor saves without holding the lock', async () => {
    const key = `token#stale-${NOW}`;
    const p = new DynamoDbAccessTokenPersistence(db, tableName, key);
    expect(await p.lock('slow', NOW, NOW + 5000)).toBe(true);
    // slow's lease lapses; fast takes over and saves a token that expires later.
    expect(await p.lock('fast', NOW + 6000, NOW + 11_000)).toBe(true);
    const newer = { value: 'newer-token', expiresAt: NOW + 6000 + 7_200_000 };
    expect(await p.save(newer, 'fast')).toBe(true);
    expect((await p.read()).lock).toBeUndefined();

    const stale = { value: 'stale-token', expiresAt: NOW + 7_200_000 };
    expect(await p.save(stale, 'slow')).toBe(false);
    // Even holding the lock, an earlier-expiring token does not replace a later one.
    expect(await p.lock('slow', NOW + 12_000, NOW + 17_000)).toBe(true);
    expect(await p.save(stale, 'slow')).toBe(false);
    expect((await p.read()).token).toEqual(newer);
  });

  it('expires the entry only if it still holds exactly the token that failed', async () => {
    const key = `token#expire-${NOW}`;
    const p = new DynamoDbAccessTokenPersistence(db, tableName, key);
    const first = { value: 'same-string', expiresAt: NOW + 7_200_000 };
    expect(await p.lock('x', NOW, NOW + 5000)).toBe(true);
    expect(await p.save(first, 'x')).toBe(true);
    // Refreshed meanwhile: stable_token returned the same string with a later expiry.
    const refreshed = { value: 'same-string', expiresAt: NOW + 7_300_000 };
    expect(await p.lock('y', NOW, NOW + 5000)).toBe(true);
    expect(await p.save(refreshed, 'y')).toBe(true);

    expect(await p.expire(first)).toBe(false);
    expect((await p.read()).token).toEqual(refreshed);
    expect(await p.expire({ value: 'other', expiresAt: refreshed.expiresAt })).toBe(false);
    expect(await p.expire(refreshed)).toBe(true);
    expect((await p.read()).token).toBeUndefined();
  });

  it('stores a long token (at least 512 characters) intact, with a numeric TTL attribute', async () => {
    const long = { value: 'T'.repeat(300) + 'x'.repeat(300), expiresAt: NOW + 7_200_000 };
    expect(await persistence.lock('long', NOW, NOW + 5000)).toBe(true);
    expect(await persistence.save(long, 'long')).toBe(true);
    const item = await storedItem();
    expect(item?.accessToken).toBe(long.value);
    expect(String(must(item, 'the token item').accessToken)).toHaveLength(600);
    expect(typeof item?.expiresAt).toBe('number');
    expect(item?.expiresAt).toBeGreaterThan(long.expiresAt / 1000);
    expect((await persistence.read()).token).toEqual(long);
  });

  it('names each time with its unit: the token expiry in milliseconds, the TTL attribute in seconds', async () => {
    const token = { value: 'units', expiresAt: NOW + 7_200_000 };
    expect(await persistence.lock('units', NOW, NOW + 5000)).toBe(true);
    expect(await persistence.save(token, 'units')).toBe(true);
    const item = must(await storedItem(), 'the token item');
    expect(item.tokenExpiresAtMs).toBe(token.expiresAt);
    expect(item.expiresAt).toBe(Math.ceil(token.expiresAt / 1000) + 24 * 60 * 60);
    expect(Object.keys(item).filter((name) => /ExpiresAt$|Until$/.test(name))).toEqual([]);
  });
});

describe('AccessTokenCache on DynamoDB Local', () => {
  it('twenty concurrent callers (as separate Lambdas) on an empty cache cause exactly one stable_token call', async () => {
    const key = `token#concurrent-${NOW}`;
    let fetches = 0;
    const fetchToken = async () => {
      fetches += 1;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { accessToken: `concurrent-${fetches}`, expiresInSeconds: 7200 };
    };
    // One cache per caller, each with its own persistence object: only the table is shared, as between Lambdas.
    const callers = Array.from(
      { length: 20 },
      () =>
        new AccessTokenCache(new DynamoDbAccessTokenPersistence(db, tableName, key), fetchToken, { maxWaitMs: 20_000 })
    );
    const tokens = await Promise.all(callers.map((cache) => cache.get()));
    expect(fetches).toBe(1);
    expect(new Set(tokens.map((token) => token.value))).toEqual(new Set(['concurrent-1']));
  });
});
