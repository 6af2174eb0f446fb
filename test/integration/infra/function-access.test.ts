import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { functionNames } from '../../../functions/shared/contract/routes.js';
import { sessionTable } from '../../../functions/shared/contract/table.js';
import { recentAnswerKey } from '../../../functions/shared/limits/dynamodb-recent-answer-store.js';
import { hashSessionId } from '../../../functions/shared/sessions/session-id.js';
import { rawDataSignature } from '../../../functions/shared/wechat/crypto.js';
import { accessOf, type ItemKind } from '../../../infra/function-access.js';
import { type RunningWeChatStub, startWeChatStub } from '../../../infra/local/wechat-stub.js';
import { createTestTable, testDocumentClient } from '../../support/dynamodb.js';
import { httpEvent, lambdaContext } from '../../support/events.js';
import { throughGateway } from '../../support/gateway.js';
import { coldStart, type LambdaHandler } from '../../support/handlers.js';
import { encryptLikeWeChat } from '../../support/wechat/wechat-vectors.js';

/**
 * The IAM grants of infra/function-access.ts hold only in AWS: a missing one fails there with AccessDenied, an
 * unneeded one is never noticed. So this test runs the real handlers on DynamoDB Local and the WeChat stub, records
 * every DynamoDB request each function's own client sends (action and partition key, transactions item by item),
 * and checks both ways: every request is allowed by that function's grants, and every grant (action × item kind)
 * is used by some flow.
 */
/** One item-level request as IAM evaluates it: the action, the key, the top-level attributes it names. */
interface Request {
  fn: string;
  action: string;
  pk: string;
  attributes: string[];
  /** ReturnValues (or ReturnValuesOnConditionCheckFailure) when the request asks for values back. */
  returnValues?: string;
  /** A read without a projection asks for every attribute. */
  readsAll?: boolean;
}

const recorder = vi.hoisted(() => ({ requests: [] as Request[], owner: '' }));

vi.mock('../../../functions/shared/runtime/dynamodb.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../functions/shared/runtime/dynamodb.js')>();
  type Input = Record<string, unknown>;
  const pkOf = (key: unknown): string => {
    const value = (key as Record<string, unknown>)[sessionTable.partitionKey.name];
    return typeof value === 'string' ? value : String((value as { S?: string } | undefined)?.S);
  };
  /** The top-level attributes an expression names (placeholders resolved; `#a.#b` names `#a`). */
  const namedIn = (expression: unknown, names: Record<string, string> = {}): string[] =>
    typeof expression === 'string'
      ? [...expression.matchAll(/(?<![\w.#:])#\w+/g)].map((match) => names[match[0]] ?? match[0])
      : [];
  /** IAM's view of one item's part of a request: the action, the key, and what it names and asks back. */
  const itemRequest = (action: string, part: Input) => {
    const names = (part.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const attributes = new Set<string>([
      ...Object.keys((part.Key ?? part.Item ?? {}) as Input),
      ...namedIn(part.ProjectionExpression, names),
      ...namedIn(part.UpdateExpression, names),
      ...namedIn(part.ConditionExpression, names),
    ]);
    const returnValues = [part.ReturnValues, part.ReturnValuesOnConditionCheckFailure].find(
      (value) => value !== undefined && value !== 'NONE'
    ) as string | undefined;
    const isRead = action === 'dynamodb:GetItem' || action === 'dynamodb:BatchGetItem';
    return {
      action,
      pk: pkOf(part.Key ?? part.Item),
      attributes: [...attributes].sort(),
      ...(returnValues ? { returnValues } : {}),
      ...(isRead && part.ProjectionExpression === undefined ? { readsAll: true } : {}),
    };
  };
  const itemActions = (command: string, input: Input) => {
    if (command === 'TransactWriteItemsCommand') {
      return (input.TransactItems as Record<string, Input>[]).flatMap((item) =>
        Object.entries(item).map(([kind, part]) =>
          itemRequest(`dynamodb:${kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`}`, part)
        )
      );
    }
    if (command === 'BatchGetItemCommand') {
      return Object.values(input.RequestItems as Record<string, Input>).flatMap((table) =>
        (table.Keys as Input[]).map((Key) => itemRequest('dynamodb:BatchGetItem', { ...table, Key }))
      );
    }
    return [itemRequest(`dynamodb:${command.replace(/Command$/, '')}`, input)];
  };
  return {
    ...original,
    createDocumentClient: (...args: Parameters<typeof original.createDocumentClient>) => {
      const client = original.createDocumentClient(...args);
      // The function whose handler module is being imported owns this client (clients are made at cold start).
      const fn = recorder.owner;
      client.middlewareStack.add(
        (next, context) => async (request) => {
          for (const item of itemActions(context.commandName ?? '', request.input as Input)) {
            recorder.requests.push({ fn, ...item });
          }
          return next(request);
        },
        // After the document client's marshalling: keys are in their wire form here.
        { step: 'build', name: 'recordTableAccess' }
      );
      return client;
    },
  };
});

const APP_ID = 'wx9999888877776666';
const SECRET = 'table-access-secret';
const db = testDocumentClient();
let stub: RunningWeChatStub;
let tableName: string;
const handlers: Record<string, LambdaHandler> = {};

interface Session {
  sessionId: string;
  openid: string;
}

const login = async (code: string): Promise<Session> => {
  const event = httpEvent({ method: 'POST', path: '/login', body: JSON.stringify({ code }) });
  const response = (await handlers.login!(event, lambdaContext('login'))) as APIGatewayProxyStructuredResultV2;
  expect(response.statusCode).toBe(200);
  const { sessionId } = JSON.parse(String(response.body)) as { sessionId: string };
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: sessionKeyOf(sessionId) }));
  return { sessionId, openid: String(Item!.openid) };
};

const sessionKeyOf = (sessionId: string) => ({
  [sessionTable.partitionKey.name]: sessionTable.keyPrefixes.session + hashSessionId(sessionId),
});

/** An API Gateway hop: the authorizer, then the route's function with the authorizer's context. */
const call = (
  fn: string,
  method: string,
  path: string,
  session: Session,
  body?: unknown,
  pathParameters?: Record<string, string>
) =>
  throughGateway(
    handlers.authorizer!,
    { fn, handler: handlers[fn]! },
    { method, path, sessionId: session.sessionId, body, ...(pathParameters ? { pathParameters } : {}) }
  );

/**
 * IAM's decision on one request, as the stack's statements say (infra/function-access.ts, tableConditionsOf): some
 * grant names the action and the key's item kind, every attribute the request names is among the grant's, a read
 * names its attributes (SPECIFIC_ATTRIBUTES), and no values come back (ReturnValues NONE).
 */
const allowed = (request: Request): boolean =>
  accessOf(request.fn).table.some((grant) => {
    const kind = kindOf(request.pk);
    const { attributes } = grant;
    // A grant without attributes has no attribute, Select or ReturnValues condition (infra/function-access.ts).
    const withinAttributes =
      attributes === undefined ||
      (!request.readsAll &&
        request.returnValues === undefined &&
        request.attributes.every((attribute) => attributes.includes(attribute)));
    return (
      kind !== undefined &&
      grant.items.includes(kind) &&
      grant.actions.includes(request.action as never) &&
      withinAttributes
    );
  });

const kindOf = (pk: string): ItemKind | undefined =>
  (Object.entries(sessionTable.keyPrefixes) as [ItemKind, string][]).find(([, prefix]) => pk.startsWith(prefix))?.[0];

beforeAll(async () => {
  stub = await startWeChatStub({ appId: APP_ID, appSecret: SECRET });
  tableName = await createTestTable();
  const env = {
    TABLE_NAME: tableName,
    WECHAT_APP_ID: APP_ID,
    WECHAT_APP_SECRET: SECRET,
    WECHAT_API_BASE_URL: stub.baseUrl,
    MAX_SESSIONS_PER_USER: '2',
  };
  Object.assign(handlers, await coldStart(functionNames(), env, (fn) => (recorder.owner = fn)));
  recorder.owner = '';

  // Every function's flows, the rarer paths included (renewal, a session_key WeChat no longer holds, a rejected
  // access_token).
  const alice1 = await login('alice.1');
  const alice2 = await login('alice.2');
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: sessionKeyOf(alice2.sessionId),
      UpdateExpression: 'SET #exp = :soon',
      ExpressionAttributeNames: { '#exp': sessionTable.timeToLiveAttribute },
      ExpressionAttributeValues: { ':soon': Math.floor(Date.now() / 1000) + 60 },
    })
  );
  expect((await call('me', 'GET', '/me', alice2)).status).toBe(200); // renewed by the authorizer
  expect((await call('products', 'GET', '/products', alice1)).status).toBe(200);
  const data = { a: 1, watermark: { appid: APP_ID, timestamp: 1 } };
  const newest = stub.latestSessionKeys.get(alice1.openid)!;
  expect((await call('wx-decrypt', 'POST', '/wx/decrypt', alice1, encryptLikeWeChat(data, newest))).status).toBe(200);
  const rawData = '{"nickName":"a"}';
  const signed = { rawData, signature: rawDataSignature(rawData, newest) };
  expect((await call('wx-verify', 'POST', '/wx/verify', alice1, signed)).body).toEqual({ valid: true });
  expect((await call('wx-session-key-status', 'GET', '/wx/session-key/status', alice2)).body).toEqual({ valid: true });

  // A wx.login our server never saw: WeChat no longer holds alice's stored key, and the status check ends the session
  // (once the 60 s in which the last answer stands are over: played by dropping it).
  stub.latestSessionKeys.set(alice1.openid, Buffer.alloc(16, 7).toString('base64'));
  await db.send(
    new DeleteCommand({
      TableName: tableName,
      Key: { pk: recentAnswerKey(sessionTable.keyPrefixes.statusCheck, alice1.openid) },
    })
  );
  expect((await call('wx-session-key-status', 'GET', '/wx/session-key/status', alice1)).body).toEqual({ valid: false });

  // Replay-safe login: a retried code (replayed, its session checked), a failed code (its record released), and
  // requests racing with one code (the others read the record while the first logs in).
  const carol = await login('carol.1');
  expect((await login('carol.1')).sessionId).toBe(carol.sessionId);
  const refused = await handlers.login!(
    httpEvent({ method: 'POST', path: '/login', body: JSON.stringify({ code: 'invalid.1' }) }),
    lambdaContext('login')
  );
  expect((refused as APIGatewayProxyStructuredResultV2).statusCode).toBe(401);
  const raced = await Promise.all([login('dave.1'), login('dave.1'), login('dave.1')]);
  expect(new Set(raced.map((session) => session.sessionId)).size).toBe(1);

  const bob = await login('bob.1');
  stub.serverApi.expireCurrentToken();
  expect((await call('wx-phone', 'POST', '/wx/phone', bob, { code: 'bob.p1' })).status).toBe(200);
  expect((await call('logout', 'POST', '/logout', bob)).status).toBe(204);

  // The user's sessions: a third login ends the oldest (limit 2), listing, ending one by handle, everywhere.
  const erin = [await login('erin.1'), await login('erin.2'), await login('erin.3')];
  const listed = await call('list-sessions', 'GET', '/sessions', erin[2]!);
  const listedSessions = listed.body?.sessions;
  expect(listedSessions).toHaveLength(2);
  const other = (listedSessions as { id: string; current: boolean }[]).find((session) => !session.current)!;
  const ended = await call('end-session', 'DELETE', `/sessions/${other.id}`, erin[2]!, undefined, { id: other.id });
  expect(ended.status).toBe(204);
  expect((await call('logout', 'POST', '/logout', erin[2]!, { everywhere: true })).status).toBe(204);
}, 60_000);

afterAll(async () => {
  await stub?.stop();
});

describe('what each function does to the table, against infra/function-access.ts', () => {
  it('records requests from the functions with table grants, and none from the others', () => {
    const callers = new Set(recorder.requests.map((request) => request.fn));
    for (const fn of functionNames()) {
      expect(callers.has(fn), fn).toBe(accessOf(fn).table.length > 0);
    }
  });

  it('makes every request within its grants: the action, on an item kind and naming only attributes its entry names', () => {
    expect(recorder.requests.filter((request) => !allowed(request))).toEqual([]);
  });

  it('reads nothing it is not granted: each read names its attributes, no write asks for values back', () => {
    const attributeConditioned = (request: Request) =>
      accessOf(request.fn).table.every(
        (grant) => grant.attributes !== undefined || !grant.items.includes(kindOf(request.pk) as never)
      );
    expect(
      recorder.requests.filter((request) => attributeConditioned(request) && (request.readsAll || request.returnValues))
    ).toEqual([]);
  });

  it.each([
    [
      'authorizer',
      'reads a session without a projection',
      { action: 'dynamodb:GetItem', pk: 'session#x', attributes: ['pk'], readsAll: true },
    ],
    [
      'authorizer',
      "reads a session's legacy session_key",
      { action: 'dynamodb:GetItem', pk: 'session#x', attributes: ['pk', 'sessionKey'] },
    ],
    ['authorizer', 'reads a user item', { action: 'dynamodb:GetItem', pk: 'user#o', attributes: ['pk', 'openid'] }],
    [
      'authorizer',
      'updates a session beyond its expiry',
      { action: 'dynamodb:UpdateItem', pk: 'session#x', attributes: ['expiresAt', 'openid', 'pk'] },
    ],
    [
      'authorizer',
      'reads what it renews back',
      { action: 'dynamodb:UpdateItem', pk: 'session#x', attributes: ['expiresAt', 'pk'], returnValues: 'ALL_OLD' },
    ],
    [
      'authorizer',
      'upserts a session',
      { action: 'dynamodb:PutItem', pk: 'session#x', attributes: ['expiresAt', 'pk'] },
    ],
    [
      'logout',
      'reads what it deletes',
      { action: 'dynamodb:DeleteItem', pk: 'session#x', attributes: ['pk'], returnValues: 'ALL_OLD' },
    ],
    [
      'logout',
      "reads the user's session_key",
      { action: 'dynamodb:GetItem', pk: 'user#o', attributes: ['pk', 'sessionKey'] },
    ],
    [
      'list-sessions',
      "reads the user's session_key",
      { action: 'dynamodb:GetItem', pk: 'user#o', attributes: ['pk', 'sessionKey'] },
    ],
    [
      'end-session',
      'overwrites the session_key',
      { action: 'dynamodb:UpdateItem', pk: 'user#o', attributes: ['pk', 'sessionKey'] },
    ],
    ['wx-decrypt', 'reads a session', { action: 'dynamodb:GetItem', pk: 'session#x', attributes: ['pk', 'openid'] }],
    [
      'wx-decrypt',
      'reads the whole user record',
      { action: 'dynamodb:GetItem', pk: 'user#o', attributes: ['pk'], readsAll: true },
    ],
    ['wx-phone', 'reads a user item', { action: 'dynamodb:GetItem', pk: 'user#o', attributes: ['pk', 'sessionKey'] }],
    ['login', 'deletes a user item', { action: 'dynamodb:DeleteItem', pk: 'user#o', attributes: ['pk'] }],
  ] as const)('refuses a request outside the grant: %s %s', (fn, _what, request) => {
    expect(allowed({ fn, ...request, attributes: [...request.attributes] })).toBe(false);
  });

  it('uses every grant: each action × item kind an entry names is needed by some flow', () => {
    const used = new Set(recorder.requests.map(({ fn, action, pk }) => `${fn} ${action} ${kindOf(pk)}`));
    const granted = functionNames().flatMap((fn) =>
      accessOf(fn).table.flatMap((grant) =>
        grant.items.flatMap((kind) => grant.actions.map((action) => `${fn} ${action} ${kind}`))
      )
    );
    expect(granted.filter((grant) => !used.has(grant))).toEqual([]);
  });
});
