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
interface Request {
  fn: string;
  action: string;
  pk: string;
}

const recorder = vi.hoisted(() => ({ requests: [] as Request[], owner: '' }));

vi.mock('../../../functions/shared/runtime/dynamodb.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../functions/shared/runtime/dynamodb.js')>();
  type Input = Record<string, unknown>;
  const pkOf = (key: unknown): string => {
    const value = (key as Record<string, unknown>)[sessionTable.partitionKey.name];
    return typeof value === 'string' ? value : String((value as { S?: string } | undefined)?.S);
  };
  /** IAM's view of one request: the action per item and the item's partition key. */
  const itemActions = (command: string, input: Input): { action: string; pk: string }[] => {
    if (command === 'TransactWriteItemsCommand') {
      return (input.TransactItems as Record<string, Input>[]).flatMap((item) =>
        Object.entries(item).map(([kind, part]) => ({
          action: `dynamodb:${kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`}`,
          pk: pkOf(part.Key ?? part.Item),
        }))
      );
    }
    return [{ action: `dynamodb:${command.replace(/Command$/, '')}`, pk: pkOf(input.Key ?? input.Item) }];
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
const call = (fn: string, method: string, path: string, session: Session, body?: unknown) =>
  throughGateway(
    handlers.authorizer!,
    { fn, handler: handlers[fn]! },
    { method, path, sessionId: session.sessionId, body }
  );

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

  it('makes every request within its grants: the action on an item kind its entry names', () => {
    const denied = recorder.requests.filter(
      ({ fn, action, pk }) =>
        !accessOf(fn).table.some((grant) => {
          const kind = kindOf(pk);
          return kind !== undefined && grant.items.includes(kind) && grant.actions.includes(action as never);
        })
    );
    expect(denied).toEqual([]);
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
