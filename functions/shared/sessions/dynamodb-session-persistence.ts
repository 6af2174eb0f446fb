import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { itemAttributes, sessionTable } from '../contract/table.js';
import type { UserRecord, UserSessionEntry } from '../users/user-record.js';
import type { LatestSessionKey, LatestSessionKeyReader } from './latest-session-key.js';
import type { LoginWrite, SessionPersistence, SessionRecord, UserView } from './session-store.js';

const KEY = sessionTable.partitionKey.name;
const EXPIRES_AT = sessionTable.timeToLiveAttribute;
/** Partition-key prefixes of the two item kinds written here (not to be confused with WeChat's session_key). */
const SESSION_PK_PREFIX = sessionTable.keyPrefixes.session;
const USER_PK_PREFIX = sessionTable.keyPrefixes.user;

const sessionAttributes = itemAttributes.session;
const userAttributes = itemAttributes.user;

const projection = (attributes: readonly string[]) => ({
  ProjectionExpression: attributes.map((_, index) => `#p${index}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(attributes.map((name, index) => [`#p${index}`, name])),
});

/** The authorizer's read, built once: every request reads only these attributes. */
const SESSION_READ_PROJECTION = projection(sessionAttributes.read);

type Item = Record<string, unknown>;

/**
 * SessionPersistence on the session table. Only DynamoDB is spoken here; the session rules are in SessionStore and
 * the user layer's in users/user-record.ts. Expressions use placeholders throughout; failed conditions are
 * translated here rather than leaked. Every read names the attributes it needs (a projection).
 *
 * Beside each session, a user item (`user#<openid>`) holds the user record: the newest session_key (WeChat keeps one
 * valid session_key per user, so every session of the user decrypts with that one), login times and the sessions.
 */
class DynamoDbSessionPersistence implements SessionPersistence, LatestSessionKeyReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string
  ) {}

  async getUser(openid: string, view: UserView = 'login'): Promise<UserRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [KEY]: USER_PK_PREFIX + openid },
        ConsistentRead: true,
        ...projection(view === 'login' ? userAttributes.all : userAttributes.sessions),
      })
    );
    return Item ? fromUserItem(Item) : undefined;
  }

  /**
   * One TransactWriteItems: the new session (never overwriting one), the sessions it evicts, and the user record
   * (a put, conditional on the record being as read), so login stays a single DynamoDB write request.
   */
  async commitLogin(write: LoginWrite): Promise<boolean> {
    const userPut = {
      Put: {
        TableName: this.tableName,
        Item: toUserItem(write.user),
        ...this.unchangedSince(write.expected),
      },
    };
    return this.transact(
      [
        {
          Put: {
            TableName: this.tableName,
            Item: toItem(write.session),
            ConditionExpression: 'attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': KEY },
          },
        },
        ...write.evictedKeys.map((key) => this.sessionDelete(key)),
        userPut,
      ],
      write.evictedKeys.length + 1
    );
  }

  /** The session_key of the user's latest login, strongly consistent so a login just made is seen. */
  async getLatestSessionKey(openid: string): Promise<LatestSessionKey | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [KEY]: USER_PK_PREFIX + openid },
        ConsistentRead: true,
        ...projection(userAttributes.sessionKey),
      })
    );
    const user = Item ? fromUserItem(Item) : undefined;
    if (!user?.sessionKey || user.keyExpiresAt === undefined) return undefined;
    return {
      openid: user.openid,
      ...(user.appId ? { appId: user.appId } : {}),
      sessionKey: user.sessionKey,
      expiresAt: user.keyExpiresAt,
    };
  }

  async get(key: string): Promise<SessionRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [KEY]: SESSION_PK_PREFIX + key },
        ConsistentRead: true,
        ...SESSION_READ_PROJECTION,
      })
    );
    return Item ? fromItem(Item) : undefined;
  }

  async getMany(keys: readonly string[]): Promise<SessionRecord[]> {
    const found: SessionRecord[] = [];
    // BatchGetItem takes up to 100 keys; a user holds at most MAX_SESSIONS_PER_USER (at most 90) entries.
    for (let start = 0; start < keys.length; start += 100) {
      let request: Record<string, { Keys: Item[]; ConsistentRead: boolean } & ReturnType<typeof projection>> = {
        [this.tableName]: {
          Keys: keys.slice(start, start + 100).map((key) => ({ [KEY]: SESSION_PK_PREFIX + key })),
          ConsistentRead: true,
          ...SESSION_READ_PROJECTION,
        },
      };
      while (Object.keys(request).length > 0) {
        const { Responses, UnprocessedKeys } = await this.client.send(new BatchGetCommand({ RequestItems: request }));
        found.push(...(Responses?.[this.tableName] ?? []).map(fromItem));
        request = (UnprocessedKeys ?? {}) as typeof request;
      }
    }
    return found;
  }

  async extend(key: string, expiresAt: number, now: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [KEY]: SESSION_PK_PREFIX + key },
          UpdateExpression: 'SET #exp = :exp',
          // attribute_exists: never resurrect a logged-out session as a bare item.
          ConditionExpression: 'attribute_exists(#key) AND #exp > :now AND #exp < :exp',
          ExpressionAttributeNames: { '#key': KEY, '#exp': EXPIRES_AT },
          ExpressionAttributeValues: { ':exp': expiresAt, ':now': now },
          // Nothing comes back: the authorizer may only move the expiry, and reads nothing it has not read already.
          ReturnValues: 'NONE',
        })
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Deletes the session and removes its entry from the user record, in one transaction. A record without a list
   * (none, or one from before the user layer) cannot take the removal: then the session is deleted on its own.
   */
  async endSession(openid: string, entry: Pick<UserSessionEntry, 'key' | 'handle'>): Promise<void> {
    const removed = await this.transact(
      [
        this.sessionDelete(entry.key),
        {
          Update: {
            TableName: this.tableName,
            Key: { [KEY]: USER_PK_PREFIX + openid },
            UpdateExpression: 'REMOVE #sessions.#handle SET #version = if_not_exists(#version, :zero) + :one',
            ConditionExpression: 'attribute_exists(#sessions)',
            ExpressionAttributeNames: { '#sessions': 'sessions', '#handle': entry.handle, '#version': 'version' },
            ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
          },
        },
      ],
      1
    );
    if (!removed) await this.client.send(new DeleteCommand(this.sessionDelete(entry.key).Delete));
  }

  async endSessions(openid: string, keys: readonly string[], expected: UserRecord | undefined): Promise<boolean> {
    const deletes = keys.map((key) => this.sessionDelete(key));
    if (!expected) {
      for (const remove of deletes) await this.client.send(new DeleteCommand(remove.Delete));
      return true;
    }
    const condition = this.unchangedSince(expected);
    const emptied = {
      Update: {
        TableName: this.tableName,
        Key: { [KEY]: USER_PK_PREFIX + openid },
        UpdateExpression: 'SET #sessions = :none, #version = :next',
        ConditionExpression: condition.ConditionExpression,
        ExpressionAttributeNames: {
          ...condition.ExpressionAttributeNames,
          '#sessions': 'sessions',
          '#version': 'version',
        },
        ExpressionAttributeValues: {
          ...('ExpressionAttributeValues' in condition ? condition.ExpressionAttributeValues : {}),
          ':none': {},
          ':next': (expected.version ?? 0) + 1,
        },
      },
    };
    return this.transact([...deletes, emptied], deletes.length);
  }

  private sessionDelete(key: string) {
    return { Delete: { TableName: this.tableName, Key: { [KEY]: SESSION_PK_PREFIX + key } } };
  }

  /** The condition that the user record is still as read: absent, or at the version read (none on old records). */
  private unchangedSince(expected: UserRecord | undefined) {
    if (!expected) {
      return { ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': KEY } };
    }
    if (expected.version === undefined) {
      return {
        ConditionExpression: 'attribute_exists(#key) AND attribute_not_exists(#version)',
        ExpressionAttributeNames: { '#key': KEY, '#version': 'version' },
      };
    }
    return {
      ConditionExpression: '#version = :expectedVersion',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expectedVersion': expected.version },
    };
  }

  /**
   * Runs a transaction; false when it was cancelled only because the user record (the item at `userIndex`) failed its
   * condition, or because a concurrent transaction touched the same items (TransactionConflict): the caller reads
   * again and retries. Any other failure is thrown.
   */
  private async transact(items: Item[], userIndex: number): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items as never }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && isRetryable(error.CancellationReasons ?? [], userIndex)) {
        return false;
      }
      throw error;
    }
  }
}

const isRetryable = (reasons: { Code?: string }[], userIndex: number): boolean =>
  reasons.every(
    (reason, index) =>
      reason.Code === 'None' ||
      reason.Code === 'TransactionConflict' ||
      (index === userIndex && reason.Code === 'ConditionalCheckFailed')
  ) && reasons.some((reason) => reason.Code !== 'None');

const toItem = (record: SessionRecord): Item => ({
  [KEY]: SESSION_PK_PREFIX + record.key,
  openid: record.openid,
  ...(record.unionid ? { unionid: record.unionid } : {}),
  ...(record.appId ? { appId: record.appId } : {}),
  createdAt: record.createdAt,
  [EXPIRES_AT]: record.expiresAt,
});

const fromItem = (item: Item): SessionRecord => ({
  key: String(item[KEY]).slice(SESSION_PK_PREFIX.length),
  openid: String(item.openid),
  ...(typeof item.unionid === 'string' ? { unionid: item.unionid } : {}),
  ...(typeof item.appId === 'string' ? { appId: item.appId } : {}),
  createdAt: Number(item.createdAt),
  expiresAt: Number(item[EXPIRES_AT]),
});

/** The user record as an item. No TTL attribute: the record (first login time included) outlives every session. */
const toUserItem = (user: UserRecord): Item => ({
  [KEY]: USER_PK_PREFIX + user.openid,
  openid: user.openid,
  ...(user.appId ? { appId: user.appId } : {}),
  ...(user.unionid ? { unionid: user.unionid } : {}),
  ...(user.sessionKey ? { sessionKey: user.sessionKey } : {}),
  ...(user.keyIssuedAtMs !== undefined ? { keyIssuedAt: user.keyIssuedAtMs } : {}),
  ...(user.keyExpiresAt !== undefined ? { keyExpiresAt: user.keyExpiresAt } : {}),
  ...(user.firstLoginAtMs !== undefined ? { firstLoginAt: user.firstLoginAtMs } : {}),
  ...(user.lastLoginAtMs !== undefined ? { lastLoginAt: user.lastLoginAtMs } : {}),
  sessions: Object.fromEntries(user.sessions.map((entry) => [entry.handle, { k: entry.key, c: entry.createdAtMs }])),
  version: user.version ?? 1,
});

const numberOr = (value: unknown, fallback?: number): number | undefined =>
  typeof value === 'number' ? value : fallback;

const fromUserItem = (item: Item): UserRecord => {
  // Records from before the user layer: `updatedAt` (seconds) was the key's time, `expiresAt` its end.
  const legacyIssuedAtMs = typeof item.updatedAt === 'number' ? item.updatedAt * 1000 : undefined;
  const sessions = (typeof item.sessions === 'object' && item.sessions !== null ? item.sessions : {}) as Record<
    string,
    { k?: unknown; c?: unknown }
  >;
  return {
    ...(typeof item.appId === 'string' ? { appId: item.appId } : {}),
    openid: String(item.openid),
    ...(typeof item.unionid === 'string' ? { unionid: item.unionid } : {}),
    ...(typeof item.sessionKey === 'string' ? { sessionKey: item.sessionKey } : {}),
    ...optionalNumber('keyIssuedAtMs', numberOr(item.keyIssuedAt, legacyIssuedAtMs)),
    ...optionalNumber('keyExpiresAt', numberOr(item.keyExpiresAt, numberOr(item[EXPIRES_AT]))),
    ...optionalNumber('firstLoginAtMs', numberOr(item.firstLoginAt, legacyIssuedAtMs)),
    ...optionalNumber('lastLoginAtMs', numberOr(item.lastLoginAt, legacyIssuedAtMs)),
    sessions: Object.entries(sessions).map(([handle, entry]) => ({
      handle,
      key: String(entry.k),
      createdAtMs: Number(entry.c),
    })),
    ...optionalNumber('version', numberOr(item.version)),
  };
};

const optionalNumber = <K extends string>(name: K, value: number | undefined) =>
  (value === undefined ? {} : { [name]: value }) as Partial<Record<K, number>>;

export { DynamoDbSessionPersistence, SESSION_PK_PREFIX, USER_PK_PREFIX };
