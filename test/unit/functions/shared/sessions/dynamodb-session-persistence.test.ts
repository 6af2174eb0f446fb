import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sessionTable } from '../../../../../functions/shared/contract/table.js';
import { DynamoDbSessionPersistence } from '../../../../../functions/shared/sessions/dynamodb-session-persistence.js';
import type { SessionRecord } from '../../../../../functions/shared/sessions/session-store.js';

const TABLE = 'sessions-unit';
const KEY = 'k3yHashOfTheSessionId';
const PK = `session#${KEY}`;
const NOW = 1_700_000_500;

const record: SessionRecord = {
  key: KEY,
  openid: 'o-user-1',
  unionid: 'u-user-1',
  sessionKey: 'c2Vzc2lvbi1rZXktMTY=',
  createdAt: 1_700_000_000,
  expiresAt: 1_700_001_000,
};
const item = {
  pk: PK,
  openid: 'o-user-1',
  unionid: 'u-user-1',
  sessionKey: 'c2Vzc2lvbi1rZXktMTY=',
  createdAt: 1_700_000_000,
  expiresAt: 1_700_001_000,
};

const conditionFailed = (current?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { httpStatusCode: 400 },
    ...(current ? { Item: marshall(current) } : {}),
  });

const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded',
    $metadata: { httpStatusCode: 400 },
  });

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
);
const dynamodb = mockClient(documentClient);
const persistence = new DynamoDbSessionPersistence(documentClient, TABLE);

beforeEach(() => {
  dynamodb.reset();
});

describe('put', () => {
  const latest = {
    openid: 'o-user-1',
    sessionKey: record.sessionKey,
    updatedAt: record.createdAt,
    expiresAt: 1_700_100_000,
  };
  const transactItemsOf = () => dynamodb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];

  it('writes the session under a prefixed key, refusing to overwrite one, in a single request', async () => {
    dynamodb.on(TransactWriteCommand).resolves({});
    await persistence.put(record, latest);
    expect(dynamodb.calls()).toHaveLength(1);
    expect(transactItemsOf()[0]).toEqual({
      Put: {
        TableName: TABLE,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': 'pk' },
      },
    });
  });

  it("writes the user's latest session_key in the same request", async () => {
    dynamodb.on(TransactWriteCommand).resolves({});
    await persistence.put(record, latest);
    expect(transactItemsOf()).toHaveLength(2);
    expect(transactItemsOf()[1]?.Put).toMatchObject({
      TableName: TABLE,
      Item: { pk: 'user#o-user-1', openid: 'o-user-1', sessionKey: record.sessionKey, expiresAt: 1_700_100_000 },
    });
  });

  it('writes no unionid attribute when there is none', async () => {
    dynamodb.on(TransactWriteCommand).resolves({});
    const { unionid: _unionid, ...withoutUnionid } = record;
    await persistence.put(withoutUnionid, latest);
    expect(transactItemsOf()[0]?.Put?.Item).not.toHaveProperty('unionid');
  });

  it('writes expiresAt as a number of epoch seconds (the TTL attribute)', async () => {
    dynamodb.on(TransactWriteCommand).resolves({});
    await persistence.put(record, latest);
    expect(typeof transactItemsOf()[0]?.Put?.Item?.expiresAt).toBe('number');
  });

  it('rethrows a throttling error', async () => {
    const error = throttled();
    dynamodb.on(TransactWriteCommand).rejects(error);
    await expect(persistence.put(record, latest)).rejects.toBe(error);
  });

  it('rethrows a failed condition (key collision) rather than overwriting', async () => {
    const error = conditionFailed(item);
    dynamodb.on(TransactWriteCommand).rejects(error);
    await expect(persistence.put(record, latest)).rejects.toBe(error);
  });
});

describe('get', () => {
  it('reads strongly consistently by the prefixed key', async () => {
    dynamodb.on(GetCommand).resolves({ Item: item });
    await persistence.get(KEY);
    expect(dynamodb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK },
      ConsistentRead: true,
    });
  });

  it('returns the record with the key prefix removed', async () => {
    dynamodb.on(GetCommand).resolves({ Item: item });
    expect(await persistence.get(KEY)).toEqual(record);
  });

  it('returns a record without unionid when the item has none', async () => {
    const { unionid: _unionid, ...withoutUnionid } = item;
    dynamodb.on(GetCommand).resolves({ Item: withoutUnionid });
    expect(await persistence.get(KEY)).not.toHaveProperty('unionid');
  });

  it('returns undefined when there is no item', async () => {
    dynamodb.on(GetCommand).resolves({});
    expect(await persistence.get(KEY)).toBeUndefined();
  });

  it('rethrows any error', async () => {
    const error = throttled();
    dynamodb.on(GetCommand).rejects(error);
    await expect(persistence.get(KEY)).rejects.toBe(error);
  });
});

describe('extend', () => {
  const NEW_EXPIRY = NOW + 1000;

  it('sends a conditional update moving only a live, existing item forward; returns the new item', async () => {
    dynamodb.on(UpdateCommand).resolves({ Attributes: { ...item, expiresAt: NEW_EXPIRY } });
    const renewed = await persistence.extend(KEY, NEW_EXPIRY, NOW);
    expect(renewed).toEqual({ ...record, expiresAt: NEW_EXPIRY });
    expect(dynamodb.calls()).toHaveLength(1);
    expect(dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK },
      UpdateExpression: 'SET #exp = :exp',
      ConditionExpression: 'attribute_exists(#key) AND #exp > :now AND #exp < :exp',
      ExpressionAttributeNames: { '#key': 'pk', '#exp': 'expiresAt' },
      ExpressionAttributeValues: { ':exp': NEW_EXPIRY, ':now': NOW },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('cannot resurrect a deleted item: guarded by attribute_exists on the key, sets only expiresAt', async () => {
    dynamodb.on(UpdateCommand).resolves({ Attributes: item });
    await persistence.extend(KEY, NEW_EXPIRY, NOW);
    const input = dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toMatch(/^attribute_exists\(#key\) AND /);
    expect(input?.ExpressionAttributeNames?.['#key']).toBe(sessionTable.partitionKey.name);
    // An update that succeeded on a missing item would create one holding nothing but pk and expiresAt.
    expect(input?.UpdateExpression).toBe('SET #exp = :exp');
  });

  it('returns undefined when the condition failed because the item is gone (logged out)', async () => {
    dynamodb.on(UpdateCommand).rejects(conditionFailed());
    expect(await persistence.extend(KEY, NEW_EXPIRY, NOW)).toBeUndefined();
  });

  it('returns the item as it stands when the condition failed on it (already renewed, or expired)', async () => {
    const current = { ...item, expiresAt: NEW_EXPIRY + 5 };
    dynamodb.on(UpdateCommand).rejects(conditionFailed(current));
    expect(await persistence.extend(KEY, NEW_EXPIRY, NOW)).toEqual({ ...record, expiresAt: NEW_EXPIRY + 5 });
  });

  it('returns undefined when the update returns no attributes', async () => {
    dynamodb.on(UpdateCommand).resolves({});
    expect(await persistence.extend(KEY, NEW_EXPIRY, NOW)).toBeUndefined();
  });

  it('rethrows any other error', async () => {
    const error = throttled();
    dynamodb.on(UpdateCommand).rejects(error);
    await expect(persistence.extend(KEY, NEW_EXPIRY, NOW)).rejects.toBe(error);
  });

  it('rethrows a plain error that merely looks like a failed condition', async () => {
    // Named like DynamoDB's, but not one the SDK raised: it must not pass for "the item is gone".
    const error = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
    });
    dynamodb.on(UpdateCommand).rejects(error);
    await expect(persistence.extend(KEY, NEW_EXPIRY, NOW)).rejects.toBe(error);
  });
});

describe('delete', () => {
  it('deletes by the prefixed key, unconditionally (idempotent logout)', async () => {
    dynamodb.on(DeleteCommand).resolves({});
    await persistence.delete(KEY);
    expect(dynamodb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: { pk: PK } });
  });

  it('rethrows any error', async () => {
    const error = throttled();
    dynamodb.on(DeleteCommand).rejects(error);
    await expect(persistence.delete(KEY)).rejects.toBe(error);
  });
});
