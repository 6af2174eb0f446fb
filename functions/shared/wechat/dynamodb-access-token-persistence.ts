import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { itemAttributes, sessionTable } from '../contract/table.js';
import type { AccessTokenPersistence, AccessTokenState, CachedAccessToken } from './access-token-cache.js';

const KEY = sessionTable.partitionKey.name;
const TTL = sessionTable.timeToLiveAttribute;
/** The access_token entry of a deployment from before several apps (now unused: each app has its own entry). */
const ACCESS_TOKEN_KEY = `${sessionTable.keyPrefixes.token}access_token`;
/** The access_token entry of one app, beside the sessions under the token prefix: each mini program has its own. */
const accessTokenKeyOf = (appId: string): string => `${ACCESS_TOKEN_KEY}#${appId}`;
/** Keep a dead token entry a day past its expiry for diagnosis, then let TTL remove it. */
const KEEP_AFTER_EXPIRY_SECONDS = 24 * 60 * 60;

/**
 * The entry's attributes. Its times are epoch milliseconds and say so (`…Ms`), because the item also carries the
 * table's TTL attribute (`expiresAt`), which is epoch seconds like every TTL of the table. An entry written before the
 * names carried their unit is read as empty: it is a cache, so that costs one stable_token call (which, in normal mode,
 * answers with the same token), and the next save writes the new names.
 */
const names = {
  '#token': 'accessToken',
  '#tokenExp': 'tokenExpiresAtMs',
  '#owner': 'lockOwner',
  '#lockExp': 'lockExpiresAtMs',
  '#blocked': 'refreshBlockedUntilMs',
} as const;

/** Reads project exactly the entry's attributes (contract/table.ts), which the IAM grants allow and no others. */
const readProjection = {
  ProjectionExpression: itemAttributes.token.map((_, index) => `#a${index}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(itemAttributes.token.map((name, index) => [`#a${index}`, name])),
};

/**
 * AccessTokenPersistence on the session table, item `pk = token#access_token`: accessToken, tokenExpiresAtMs,
 * lockOwner, lockExpiresAtMs, refreshBlockedUntilMs (the back-off after a failed refresh), and the TTL `expiresAt`
 * (seconds, a day past the token's expiry). Every write is conditional; a failed condition becomes `false`.
 */
class DynamoDbAccessTokenPersistence implements AccessTokenPersistence {
  private readonly key: Record<string, string>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    key: string = ACCESS_TOKEN_KEY
  ) {
    this.key = { [KEY]: key };
  }

  async read(): Promise<AccessTokenState> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.key, ConsistentRead: true, ...readProjection })
    );
    if (!Item) return {};
    const { accessToken, tokenExpiresAtMs, lockOwner, lockExpiresAtMs, refreshBlockedUntilMs } = Item;
    return {
      ...(typeof accessToken === 'string' && typeof tokenExpiresAtMs === 'number'
        ? { token: { value: accessToken, expiresAt: tokenExpiresAtMs } }
        : {}),
      ...(typeof lockOwner === 'string' && typeof lockExpiresAtMs === 'number'
        ? { lock: { owner: lockOwner, expiresAt: lockExpiresAtMs } }
        : {}),
      ...(typeof refreshBlockedUntilMs === 'number' ? { refreshBlockedUntil: refreshBlockedUntilMs } : {}),
    };
  }

  lock(owner: string, now: number, until: number): Promise<boolean> {
    return this.conditionally({
      UpdateExpression: 'SET #owner = :owner, #lockExp = :until',
      ConditionExpression: 'attribute_not_exists(#lockExp) OR #lockExp <= :now',
      ExpressionAttributeNames: pick('#owner', '#lockExp'),
      ExpressionAttributeValues: { ':owner': owner, ':until': until, ':now': now },
    });
  }

  save(token: CachedAccessToken, owner: string): Promise<boolean> {
    return this.conditionally({
      UpdateExpression: 'SET #token = :token, #tokenExp = :tokenExp, #ttl = :ttl REMOVE #owner, #lockExp, #blocked',
      ConditionExpression: '#owner = :owner AND (attribute_not_exists(#tokenExp) OR #tokenExp <= :tokenExp)',
      ExpressionAttributeNames: { ...pick('#token', '#tokenExp', '#owner', '#lockExp', '#blocked'), '#ttl': TTL },
      ExpressionAttributeValues: {
        ':token': token.value,
        ':tokenExp': token.expiresAt,
        ':ttl': Math.ceil(token.expiresAt / 1000) + KEEP_AFTER_EXPIRY_SECONDS,
        ':owner': owner,
      },
    });
  }

  async unlock(owner: string): Promise<void> {
    await this.conditionally({
      UpdateExpression: 'REMOVE #owner, #lockExp',
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: pick('#owner', '#lockExp'),
      ExpressionAttributeValues: { ':owner': owner },
    });
  }

  async failRefresh(owner: string, blockedUntil: number): Promise<void> {
    await this.conditionally({
      UpdateExpression: 'SET #blocked = :blocked REMOVE #owner, #lockExp',
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: pick('#owner', '#lockExp', '#blocked'),
      ExpressionAttributeValues: { ':owner': owner, ':blocked': blockedUntil },
    });
  }

  expire(token: CachedAccessToken): Promise<boolean> {
    return this.conditionally({
      UpdateExpression: 'REMOVE #token, #tokenExp',
      // The expiry too: stable_token may hand out the same string again, and that newer entry must survive.
      ConditionExpression: '#token = :token AND #tokenExp = :tokenExp',
      ExpressionAttributeNames: pick('#token', '#tokenExp'),
      ExpressionAttributeValues: { ':token': token.value, ':tokenExp': token.expiresAt },
    });
  }

  private async conditionally(update: {
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  }): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: this.key, ...update }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

const pick = (...placeholders: (keyof typeof names)[]): Record<string, string> =>
  Object.fromEntries(placeholders.map((placeholder) => [placeholder, names[placeholder]]));

export { ACCESS_TOKEN_KEY, accessTokenKeyOf, DynamoDbAccessTokenPersistence };
