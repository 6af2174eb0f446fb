import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../../functions/authorizer/handler.js';
import { DynamoDbSessionPersistence } from '../../../../functions/shared/sessions/dynamodb-session-persistence.js';
import { hashSessionId } from '../../../../functions/shared/sessions/session-id.js';
import { SessionPolicy } from '../../../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../../../functions/shared/sessions/session-store.js';
import { authorizerEvent } from '../../../support/events.js';
import { InMemorySessionPersistence } from '../../../support/fakes/in-memory-session-persistence.js';

const TTL = 1000;
const MAX_AGE = 10_000;
const LOGIN = 1_700_000_000;
const SESSION_KEY = 'c2Vzc2lvbi1rZXktMTY=';
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();
const APP = 'wxaaaaaaaaaaaaaaaa';

describe('authorizer with the session rules (in-memory table)', () => {
  let nowSeconds: number;
  let persistence: InMemorySessionPersistence;
  let sessions: SessionStore;
  let authorize: ReturnType<typeof createHandler>;

  beforeEach(() => {
    nowSeconds = LOGIN;
    persistence = new InMemorySessionPersistence();
    sessions = new SessionStore(persistence, new SessionPolicy(TTL, MAX_AGE), {
      clock: () => nowSeconds * 1000,
      originalAppId: APP,
    });
    authorize = createHandler(sessions);
  });

  it('allows a live session with exactly {openid, unionid, appId, expiresAt} in the context, never the session_key', async () => {
    const { sessionId } = await sessions.create({
      appId: APP,
      openid: 'oUser1',
      unionid: 'oUnion1',
      sessionKey: SESSION_KEY,
    });
    const result = await authorize(authorizerEvent({ sessionId }));
    expect(result).toEqual({
      isAuthorized: true,
      context: { openid: 'oUser1', unionid: 'oUnion1', appId: APP, expiresAt: iso(LOGIN + TTL) },
    });
    expect(JSON.stringify(result)).not.toContain(SESSION_KEY);
  });

  it('puts no unionid in the context when WeChat sent none', async () => {
    const { sessionId } = await sessions.create({ appId: APP, openid: 'oUser2', sessionKey: SESSION_KEY });
    expect(await authorize(authorizerEvent({ sessionId }))).toEqual({
      isAuthorized: true,
      context: { openid: 'oUser2', appId: APP, expiresAt: iso(LOGIN + TTL) },
    });
  });

  it('reads the id from the identity source even when the header is absent', async () => {
    const { sessionId } = await sessions.create({ appId: APP, openid: 'oUser1', sessionKey: SESSION_KEY });
    const event = authorizerEvent({ sessionId });
    delete event.headers?.['x-session-id'];
    expect(await authorize(event)).toMatchObject({ isAuthorized: true });
  });

  it('falls back to the lower-cased X-Session-Id header when there is no identity source', async () => {
    const { sessionId } = await sessions.create({ appId: APP, openid: 'oUser1', sessionKey: SESSION_KEY });
    const event = authorizerEvent({ sessionId });
    event.identitySource = [];
    expect(await authorize(event)).toMatchObject({ isAuthorized: true });
  });

  it('denies an unknown session id with exactly {isAuthorized: false}', async () => {
    await sessions.create({ appId: APP, openid: 'oUser1', sessionKey: SESSION_KEY });
    expect(await authorize(authorizerEvent({ sessionId: 'A'.repeat(43) }))).toEqual({ isAuthorized: false });
  });

  it('denies a missing session id without a table read', async () => {
    expect(await authorize(authorizerEvent())).toEqual({ isAuthorized: false });
    expect(persistence.calls).toEqual([]);
  });

  it.each([
    ['too short', 'abc'],
    ['too long', 'a'.repeat(44)],
    ['a Bearer token', `Bearer ${'a'.repeat(43)}`],
    ['two ids joined by API Gateway', `${'a'.repeat(43)},${'b'.repeat(43)}`],
    ['an openid', 'oUser1oUser1oUser1oUser1o'],
    ['padded base64', `${'a'.repeat(42)}=`],
  ])('denies a malformed id (%s) without a table read', async (_case, sessionId) => {
    expect(await authorize(authorizerEvent({ sessionId }))).toEqual({ isAuthorized: false });
    expect(persistence.calls).toEqual([]);
  });

  it('denies an expired session whose item is still in the table', async () => {
    const { sessionId } = await sessions.create({ appId: APP, openid: 'oUser1', sessionKey: SESSION_KEY });
    nowSeconds = LOGIN + TTL;
    expect(await authorize(authorizerEvent({ sessionId }))).toEqual({ isAuthorized: false });
    expect(persistence.records.has(hashSessionId(sessionId))).toBe(true);
  });

  it('denies a logged-out session', async () => {
    const { sessionId } = await sessions.create({ appId: APP, openid: 'oUser1', sessionKey: SESSION_KEY });
    await sessions.revoke({ openid: 'oUser1' }, sessionId);
    expect(await authorize(authorizerEvent({ sessionId }))).toEqual({ isAuthorized: false });
  });

  it('renews a session past half its idle window, allows it and reports the new expiry in the context', async () => {
    const { sessionId } = await sessions.create({ appId: APP, openid: 'oUser1', sessionKey: SESSION_KEY });
    nowSeconds = LOGIN + TTL / 2 + 10;
    expect(await authorize(authorizerEvent({ sessionId }))).toMatchObject({
      isAuthorized: true,
      context: { expiresAt: iso(nowSeconds + TTL) },
    });
    expect(persistence.records.get(hashSessionId(sessionId))?.expiresAt).toBe(nowSeconds + TTL);
  });

  it('reports the stored expiry, unchanged, while no renewal is due', async () => {
    const { sessionId } = await sessions.create({ appId: APP, openid: 'oUser1', sessionKey: SESSION_KEY });
    nowSeconds = LOGIN + 10;
    expect(await authorize(authorizerEvent({ sessionId }))).toMatchObject({
      context: { expiresAt: iso(LOGIN + TTL) },
    });
  });

  it('rejects when the table fails, instead of allowing or denying', async () => {
    const { sessionId } = await sessions.create({ appId: APP, openid: 'oUser1', sessionKey: SESSION_KEY });
    const failure = new Error('storage down');
    persistence.failWith = failure;
    await expect(authorize(authorizerEvent({ sessionId }))).rejects.toBe(failure);
  });
});

describe('authorizer on DynamoDB (mocked DocumentClient)', () => {
  const documentClient = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
  );
  const dynamodb = mockClient(documentClient);
  const NOW_MS = LOGIN * 1000;
  const authorize = createHandler(
    new SessionStore(new DynamoDbSessionPersistence(documentClient, 'sessions-unit'), new SessionPolicy(TTL, MAX_AGE), {
      clock: () => NOW_MS,
      originalAppId: APP,
    })
  );
  const sessionId = 'S'.repeat(43);
  const item = (expiresAt: number) => ({
    pk: `session#${hashSessionId(sessionId)}`,
    openid: 'oUser1',
    createdAt: LOGIN - 100,
    expiresAt,
  });

  afterEach(() => {
    dynamodb.reset();
  });

  it('allows from a strongly consistent read of the hashed key, projecting only what it needs', async () => {
    dynamodb.on(GetCommand).resolves({ Item: item(LOGIN + TTL - 100) });
    expect(await authorize(authorizerEvent({ sessionId }))).toEqual({
      isAuthorized: true,
      context: { openid: 'oUser1', appId: APP, expiresAt: iso(LOGIN + TTL - 100) },
    });
    const input = dynamodb.commandCalls(GetCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ Key: { pk: `session#${hashSessionId(sessionId)}` }, ConsistentRead: true });
    expect(Object.values(input?.ExpressionAttributeNames ?? {}).sort()).toEqual(
      ['appId', 'createdAt', 'expiresAt', 'openid', 'pk', 'unionid'].sort()
    );
    expect(dynamodb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('denies a malformed id without any DynamoDB call', async () => {
    expect(await authorize(authorizerEvent({ sessionId: 'garbage' }))).toEqual({ isAuthorized: false });
    expect(dynamodb.calls()).toHaveLength(0);
  });

  it('renews the expiry alone, asking for nothing back', async () => {
    dynamodb.on(GetCommand).resolves({ Item: item(LOGIN + 10) });
    dynamodb.on(UpdateCommand).resolves({});
    expect(await authorize(authorizerEvent({ sessionId }))).toMatchObject({ isAuthorized: true });
    const input = dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toBe('SET #exp = :exp');
    expect(input?.ReturnValues).toBe('NONE');
    expect(input).not.toHaveProperty('ReturnValuesOnConditionCheckFailure');
  });

  it('serves the request when the renewal loses a race (the read found the session live)', async () => {
    dynamodb.on(GetCommand).resolves({ Item: item(LOGIN + 10) });
    dynamodb.on(UpdateCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
      })
    );
    expect(await authorize(authorizerEvent({ sessionId }))).toMatchObject({ isAuthorized: true });
  });

  it.each([
    ['throttling', () => new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: {} })],
    ['a network error', () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })],
    ['an access error', () => Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' })],
  ])('rejects on %s during the read: never a deny, never an allow', async (_case, error) => {
    const failure = error();
    dynamodb.on(GetCommand).rejects(failure);
    await expect(authorize(authorizerEvent({ sessionId }))).rejects.toBe(failure);
  });

  it('rejects on a failure during the renewal: never a deny, never an allow', async () => {
    const failure = new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: {} });
    dynamodb.on(GetCommand).resolves({ Item: item(LOGIN + 10) });
    dynamodb.on(UpdateCommand).rejects(failure);
    await expect(authorize(authorizerEvent({ sessionId }))).rejects.toBe(failure);
  });
});
