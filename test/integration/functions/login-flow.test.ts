import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSessionId } from '../../../functions/shared/sessions/session-id.js';
import { type RunningWeChatStub, startWeChatStub } from '../../../infra/local/wechat-stub.js';
import { createTestTable, testDocumentClient } from '../../support/dynamodb.js';
import { authorizerEvent, httpEvent, lambdaContext } from '../../support/events.js';
import { throughGateway } from '../../support/gateway.js';
import { coldStart as coldStartHandlers, type LambdaHandler } from '../../support/handlers.js';

/**
 * The real handlers, wired as in Lambda (config from the environment, DynamoDB document client, global fetch),
 * against DynamoDB Local and the WeChat stub over real HTTP. Only the API Gateway hop is simulated, with payload
 * 2.0 events shaped like AWS's samples.
 */
const FUNCTIONS = ['login', 'authorizer', 'me', 'products', 'logout'] as const;
type Handlers = Record<(typeof FUNCTIONS)[number], LambdaHandler>;

const db = testDocumentClient();
let stub: RunningWeChatStub;

/** Imports a fresh set of handlers (a cold start) with the given environment. */
const coldStart = (env: Record<string, string>): Promise<Handlers> => coldStartHandlers(FUNCTIONS, env);

const loginWith = async (handlers: Handlers, code: string, base64 = false) => {
  const body = JSON.stringify({ code });
  const event = httpEvent({
    method: 'POST',
    path: '/login',
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
  });
  const response = (await handlers.login(event, lambdaContext('login'))) as APIGatewayProxyStructuredResultV2;
  return { status: response.statusCode, body: JSON.parse(String(response.body)) };
};

const authorize = async (handlers: Handlers, sessionId: string) =>
  (await handlers.authorizer(authorizerEvent({ sessionId }), lambdaContext('authorizer'))) as {
    isAuthorized: boolean;
    context?: Record<string, string>;
  };

const callProtected = (handlers: Handlers, fn: keyof Handlers, method: string, path: string, sessionId: string) =>
  throughGateway(handlers.authorizer, { fn, handler: handlers[fn] }, { method, path, sessionId });

const storedSession = async (tableName: string, sessionId: string) =>
  (
    await db.send(
      new GetCommand({ TableName: tableName, Key: { pk: `session#${hashSessionId(sessionId)}` }, ConsistentRead: true })
    )
  ).Item;

beforeAll(async () => {
  stub = await startWeChatStub({ appId: 'wx1111222233334444', appSecret: 'integration-secret' });
});
afterAll(async () => {
  await stub.stop();
});

describe('login → authorizer → business routes → logout, on DynamoDB Local', () => {
  let handlers: Handlers;
  let tableName: string;

  beforeAll(async () => {
    tableName = await createTestTable();
    handlers = await coldStart({
      TABLE_NAME: tableName,
      WECHAT_APP_ID: 'wx1111222233334444',
      WECHAT_APP_SECRET: 'integration-secret',
      WECHAT_API_BASE_URL: stub.baseUrl,
      SESSION_TTL_SECONDS: '3600',
      SESSION_MAX_AGE_SECONDS: '86400',
    });
  });

  it('walks the whole flow and refuses the id after logout', async () => {
    const login = await loginWith(handlers, 'carol.1');
    expect(login.status).toBe(200);
    expect(login.body.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(login.body).sort()).toEqual(['expiresAt', 'isNewUser', 'sessionId']);
    expect(new Date(login.body.expiresAt).toISOString()).toBe(login.body.expiresAt);

    const sessionId: string = login.body.sessionId;
    const decision = await authorize(handlers, sessionId);
    expect(decision.isAuthorized).toBe(true);
    expect(decision.context?.openid).toMatch(/^o/);
    const sessionKey = stub.latestSessionKeys.get(decision.context!.openid as string);
    expect(sessionKey).toBeDefined();
    expect(JSON.stringify(decision)).not.toContain(sessionKey);

    const me = await callProtected(handlers, 'me', 'GET', '/me', sessionId);
    expect(me).toEqual({ status: 200, body: { openid: decision.context!.openid, appId: 'wx1111222233334444' } });

    const products = await callProtected(handlers, 'products', 'GET', '/products', sessionId);
    expect(products.status).toBe(200);
    expect(Array.isArray(products.body)).toBe(true);
    expect(products.body).not.toHaveLength(0);

    const logout = await callProtected(handlers, 'logout', 'POST', '/logout', sessionId);
    expect(logout.status).toBe(204);
    expect(await storedSession(tableName, sessionId)).toBeUndefined();
    expect((await authorize(handlers, sessionId)).isAuthorized).toBe(false);
  });

  it('accepts a base64-encoded login body, as API Gateway delivers binary-typed bodies', async () => {
    const login = await loginWith(handlers, 'dave.1', true);
    expect(login.status).toBe(200);
    expect((await authorize(handlers, login.body.sessionId)).isAuthorized).toBe(true);
  });

  it('stores the session under the hash of its id with a numeric TTL attribute, and the session_key only in the user item', async () => {
    const login = await loginWith(handlers, 'erin.1');
    const item = await storedSession(tableName, login.body.sessionId);
    expect(item).toBeDefined();
    const openid = item!.openid as string;
    expect(item).not.toHaveProperty('sessionKey');
    const user = (await db.send(new GetCommand({ TableName: tableName, Key: { pk: `user#${openid}` } }))).Item;
    expect(user).toMatchObject({ sessionKey: stub.latestSessionKeys.get(openid) });
    expect(typeof item!.expiresAt).toBe('number');
    expect(typeof item!.createdAt).toBe('number');
    expect(item!.expiresAt - item!.createdAt).toBe(3600);
    expect(item!.expiresAt).toBe(Math.floor(Date.parse(login.body.expiresAt) / 1000));

    const { Items = [] } = await db.send(new ScanCommand({ TableName: tableName }));
    expect(JSON.stringify(Items)).not.toContain(login.body.sessionId);
  });

  it('gives each login its own session, and logout ends only the one that called it', async () => {
    const phone = await loginWith(handlers, 'frank.1');
    const tablet = await loginWith(handlers, 'frank.2');
    expect(phone.body.sessionId).not.toBe(tablet.body.sessionId);
    const phoneCaller = await authorize(handlers, phone.body.sessionId);
    const tabletCaller = await authorize(handlers, tablet.body.sessionId);
    expect(phoneCaller.context?.openid).toBe(tabletCaller.context?.openid);

    await callProtected(handlers, 'logout', 'POST', '/logout', phone.body.sessionId);
    expect((await authorize(handlers, phone.body.sessionId)).isAuthorized).toBe(false);
    expect((await authorize(handlers, tablet.body.sessionId)).isAuthorized).toBe(true);
  });

  it('writes nothing when WeChat refuses the code', async () => {
    const before = (await db.send(new ScanCommand({ TableName: tableName }))).Items?.length;
    // A code spent at WeChat without us (another server, a lost first request): WeChat answers 40163.
    await fetch(
      `${stub.baseUrl}/sns/jscode2session?${new URLSearchParams({
        appid: 'wx1111222233334444',
        secret: 'integration-secret',
        js_code: 'gina.1',
        grant_type: 'authorization_code',
      })}`
    );
    const reused = await loginWith(handlers, 'gina.1');
    expect(reused).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    const invalid = await loginWith(handlers, 'invalid-code');
    expect(invalid).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    const after = (await db.send(new ScanCommand({ TableName: tableName }))).Items?.length;
    expect(after).toBe(before);
  });

  it('sees a session on the very first request after login (strongly consistent read)', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const login = await loginWith(handlers, `grace.${i}`);
        return (await authorize(handlers, login.body.sessionId)).isAuthorized;
      })
    );
    expect(results).toEqual(Array(10).fill(true));
  });
});

describe('expiry on a table whose TTL deletion has not run (as on AWS, where it runs days late)', () => {
  it('denies a session whose expiresAt passed while the item is still in the table', async () => {
    const tableName = await createTestTable({ ttl: false });
    const handlers = await coldStart({
      TABLE_NAME: tableName,
      WECHAT_APP_ID: 'wx1111222233334444',
      WECHAT_APP_SECRET: 'integration-secret',
      WECHAT_API_BASE_URL: stub.baseUrl,
      SESSION_TTL_SECONDS: '1',
      SESSION_MAX_AGE_SECONDS: '86400',
    });
    const login = await loginWith(handlers, 'heidi.1');
    expect((await authorize(handlers, login.body.sessionId)).isAuthorized).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const item = await storedSession(tableName, login.body.sessionId);
    expect(item).toBeDefined();
    expect(item!.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect((await authorize(handlers, login.body.sessionId)).isAuthorized).toBe(false);
  });
});
