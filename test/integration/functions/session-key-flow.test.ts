import { DeleteCommand, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionTable } from '../../../functions/shared/contract/table.js';
import { recentAnswerKey } from '../../../functions/shared/limits/dynamodb-recent-answer-store.js';
import { hashSessionId } from '../../../functions/shared/sessions/session-id.js';
import { rawDataSignature } from '../../../functions/shared/wechat/crypto.js';
import { accessTokenKeyOf } from '../../../functions/shared/wechat/dynamodb-access-token-persistence.js';
import { type RunningWeChatStub, startWeChatStub } from '../../../infra/local/wechat-stub.js';
import { createTestTable, testDocumentClient } from '../../support/dynamodb.js';
import { httpEvent, lambdaContext } from '../../support/events.js';
import { throughGateway } from '../../support/gateway.js';
import { coldStart as coldStartHandlers, type LambdaHandler } from '../../support/handlers.js';
import { encryptLikeWeChat } from '../../support/wechat/wechat-vectors.js';

/**
 * The real handlers, wired as in Lambda (configuration from the environment, DynamoDB Local, the WeChat stub over
 * HTTP), driven through login → authorizer → /wx/* with API Gateway payload 2.0 events.
 */
const APP_ID = 'wx5555666677778888';
const SECRET = 'wx-flow-secret';
const FUNCTIONS = ['login', 'authorizer', 'wx-decrypt', 'wx-verify', 'wx-session-key-status', 'wx-phone'] as const;
type Fn = (typeof FUNCTIONS)[number];
type Handler = LambdaHandler;

const db = testDocumentClient();
let stub: RunningWeChatStub;

/** The table the handlers of the latest cold start use. */
let currentTable = '';

const coldStart = (tableName: string): Promise<Record<Fn, Handler>> => {
  currentTable = tableName;
  return coldStartHandlers(FUNCTIONS, {
    TABLE_NAME: tableName,
    WECHAT_APP_ID: APP_ID,
    WECHAT_APP_SECRET: SECRET,
    WECHAT_API_BASE_URL: stub.baseUrl,
  });
};

interface Session {
  sessionId: string;
  openid: string;
  /** The session_key WeChat (the stub) issued at this login. */
  sessionKey: string;
}

const login = async (handlers: Record<Fn, Handler>, code: string): Promise<Session> => {
  const event = httpEvent({ method: 'POST', path: '/login', body: JSON.stringify({ code }) });
  const response = (await handlers.login(event, lambdaContext('login'))) as APIGatewayProxyStructuredResultV2;
  expect(response.statusCode).toBe(200);
  const { sessionId } = JSON.parse(String(response.body)) as { sessionId: string };
  const item = (
    await db.send(new GetCommand({ TableName: currentTable, Key: { pk: `session#${hashSessionId(sessionId)}` } }))
  ).Item!;
  // The session item holds no session_key: the user item holds the newest one.
  const user = (await db.send(new GetCommand({ TableName: currentTable, Key: { pk: `user#${item.openid}` } }))).Item!;
  return { sessionId, openid: item.openid as string, sessionKey: user.sessionKey as string };
};

/** An API Gateway hop: the authorizer first, then the route's function with the authorizer's context. */
const call = (handlers: Record<Fn, Handler>, fn: Fn, method: string, path: string, session: Session, body?: unknown) =>
  throughGateway(
    handlers.authorizer,
    { fn, handler: handlers[fn] },
    { method, path, sessionId: session.sessionId, body }
  );

const decrypt = (handlers: Record<Fn, Handler>, session: Session, data: unknown, sessionKey: string) =>
  call(handlers, 'wx-decrypt', 'POST', '/wx/decrypt', session, encryptLikeWeChat(data, sessionKey));
const status = (handlers: Record<Fn, Handler>, session: Session) =>
  call(handlers, 'wx-session-key-status', 'GET', '/wx/session-key/status', session);
/** Plays the 60 s after which a user's session_key is checked at WeChat again: drops the remembered answer. */
const forgetLastCheck = (session: Session) =>
  db.send(
    new DeleteCommand({
      TableName: currentTable,
      Key: { pk: recentAnswerKey(sessionTable.keyPrefixes.statusCheck, session.openid) },
    })
  );

beforeAll(async () => {
  stub = await startWeChatStub({ appId: APP_ID, appSecret: SECRET });
});
afterAll(async () => {
  await stub.stop();
});

describe('session_key rotation', () => {
  let handlers: Record<Fn, Handler>;
  beforeAll(async () => {
    handlers = await coldStart(await createTestTable());
  });

  it('after two logins of one user, data under the newest session_key decrypts from both sessions; data under the old key fails', async () => {
    const first = await login(handlers, 'rotor.1');
    const second = await login(handlers, 'rotor.2');
    expect(second.openid).toBe(first.openid);
    expect(second.sessionKey).not.toBe(first.sessionKey);
    expect(stub.latestSessionKeys.get(first.openid)).toBe(second.sessionKey);

    const data = {
      stepInfoList: [{ timestamp: 1_700_000_000, step: 8000 }],
      watermark: { appid: APP_ID, timestamp: 1 },
    };
    for (const session of [first, second]) {
      expect(await decrypt(handlers, session, data, second.sessionKey)).toEqual({ status: 200, body: data });
      const stale = await decrypt(handlers, session, data, first.sessionKey);
      expect(stale.status).toBe(400);
      expect(stale.body?.error).toBe('decrypt_failed');
      expect(stale.body?.message).toMatch(/log in again/);
    }
  });

  it('verifies rawData signatures against the newest session_key from either session', async () => {
    const first = await login(handlers, 'signer.1');
    const second = await login(handlers, 'signer.2');
    const rawData = JSON.stringify({ nickName: '测试', gender: 1 });
    for (const session of [first, second]) {
      const withNewest = { rawData, signature: rawDataSignature(rawData, second.sessionKey) };
      expect(await call(handlers, 'wx-verify', 'POST', '/wx/verify', session, withNewest)).toEqual({
        status: 200,
        body: { valid: true },
      });
      const withOld = { rawData, signature: rawDataSignature(rawData, first.sessionKey) };
      expect(await call(handlers, 'wx-verify', 'POST', '/wx/verify', session, withOld)).toEqual({
        status: 200,
        body: { valid: false },
      });
    }
  });

  it("answers decrypt_failed, telling the client to log in again, once the user's newest session_key is gone", async () => {
    const session = await login(handlers, 'forgotten.1');
    await db.send(new DeleteCommand({ TableName: currentTable, Key: { pk: `user#${session.openid}` } }));
    const data = { a: 1, watermark: { appid: APP_ID, timestamp: 1 } };
    const answer = await decrypt(handlers, session, data, session.sessionKey);
    expect(answer).toMatchObject({ status: 400, body: { error: 'decrypt_failed' } });
    expect(String((answer.body as { message?: unknown }).message)).toMatch(/log in again/);
  });
});

describe('GET /wx/session-key/status and the shared access_token', () => {
  let handlers: Record<Fn, Handler>;
  let tableName: string;
  beforeAll(async () => {
    tableName = await createTestTable();
    handlers = await coldStart(tableName);
  });

  it('is valid for every session of the user after a re-login; when WeChat rotates the key behind our back, it is invalid and that session is ended', async () => {
    const phone = await login(handlers, 'checker.1');
    const tablet = await login(handlers, 'checker.2');
    const checksBefore = stub.serverApi.stats.checkSessionCalls;
    expect(await status(handlers, phone)).toEqual({ status: 200, body: { valid: true } });
    expect(await status(handlers, tablet)).toEqual({ status: 200, body: { valid: true } });
    // One user, one key, within 60 s: WeChat was asked once.
    expect(stub.serverApi.stats.checkSessionCalls - checksBefore).toBe(1);

    // A wx.login our server never saw: WeChat now holds a key we do not know (seen once the 60 s have passed).
    stub.latestSessionKeys.set(phone.openid, Buffer.alloc(16, 9).toString('base64'));
    expect(await status(handlers, phone)).toEqual({ status: 200, body: { valid: true } });
    await forgetLastCheck(phone);
    expect(await status(handlers, phone)).toEqual({ status: 200, body: { valid: false } });
    // The session is gone: the authorizer denies it, so the client logs in again.
    expect((await status(handlers, phone)).status).toBe(403);
    // The re-login brings the keys back in line for every session of the user.
    const again = await login(handlers, 'checker.3');
    expect(await status(handlers, again)).toEqual({ status: 200, body: { valid: true } });
    expect(await status(handlers, tablet)).toEqual({ status: 200, body: { valid: true } });
  });

  it('caches the access_token in the table and reuses it: one stable_token call for many requests', async () => {
    const freshTable = await createTestTable();
    const fresh = await coldStart(freshTable);
    // Eight different users (concurrent logins of ONE user race each other's session_key, as with WeChat itself).
    const sessions = await Promise.all(Array.from({ length: 8 }, (_, i) => login(fresh, `many${i}.1`)));
    const before = stub.serverApi.stats.stableTokenCalls;
    const answers = await Promise.all(sessions.map((session) => status(fresh, session)));
    expect(answers.map((answer) => answer.body?.valid)).toEqual(Array(8).fill(true));
    expect(stub.serverApi.stats.stableTokenCalls - before).toBe(1);

    const item = (
      await db.send(
        new GetCommand({ TableName: freshTable, Key: { pk: accessTokenKeyOf(APP_ID) }, ConsistentRead: true })
      )
    ).Item;
    expect(typeof item?.accessToken).toBe('string');
    expect(item?.tokenExpiresAtMs).toBeGreaterThan(Date.now() + 7000_000);
    expect(JSON.stringify(answers)).not.toContain(item?.accessToken as string);
  });

  it('when WeChat expires the token (42001), refreshes exactly once and retries exactly once', async () => {
    handlers = await coldStart(tableName);
    const session = await login(handlers, 'expiry.1');
    expect((await status(handlers, session)).body?.valid).toBe(true);
    await forgetLastCheck(session);
    stub.serverApi.expireCurrentToken();
    const tokensBefore = stub.serverApi.stats.stableTokenCalls;
    const checksBefore = stub.serverApi.stats.checkSessionCalls;
    expect(await status(handlers, session)).toEqual({ status: 200, body: { valid: true } });
    expect(stub.serverApi.stats.stableTokenCalls - tokensBefore).toBe(1);
    expect(stub.serverApi.stats.checkSessionCalls - checksBefore).toBe(2);
    expect(stub.serverApi.stats.forceRefreshCalls).toBe(0);
  });
});

describe('POST /wx/phone', () => {
  let handlers: Record<Fn, Handler>;
  let tableName: string;
  beforeAll(async () => {
    tableName = await createTestTable();
    handlers = await coldStart(tableName);
  });

  it("returns WeChat's phone_info, with our AppID in its watermark, and stores nothing", async () => {
    const session = await login(handlers, 'phoneuser.1');
    const response = await call(handlers, 'wx-phone', 'POST', '/wx/phone', session, { code: 'phoneuser.p1' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ countryCode: '86', watermark: { appid: APP_ID } });
    expect(response.body?.phoneNumber).toMatch(/^1\d{10}$/);
    expect(response.body?.purePhoneNumber).toBe(response.body?.phoneNumber);

    const { Items = [] } = await db.send(new ScanCommand({ TableName: tableName }));
    expect(JSON.stringify(Items)).not.toContain(String(response.body?.phoneNumber));
  });

  it('answers 400 invalid_phone_code for a code WeChat refuses, including one already used', async () => {
    const session = await login(handlers, 'phoneuser.2');
    expect((await call(handlers, 'wx-phone', 'POST', '/wx/phone', session, { code: 'phoneuser.p2' })).status).toBe(200);
    for (const code of ['phoneuser.p2', 'invalid-code']) {
      expect(await call(handlers, 'wx-phone', 'POST', '/wx/phone', session, { code })).toMatchObject({
        status: 400,
        body: { error: 'invalid_phone_code' },
      });
    }
  });

  it('survives the token expiring mid-call: one refresh, one retry, then the phone number', async () => {
    const session = await login(handlers, 'phoneuser.3');
    expect((await call(handlers, 'wx-phone', 'POST', '/wx/phone', session, { code: 'phoneuser.warmup' })).status).toBe(
      200
    );
    const tokensBefore = stub.serverApi.stats.stableTokenCalls;
    const phonesBefore = stub.serverApi.stats.phoneNumberCalls;
    const response = await call(handlers, 'wx-phone', 'POST', '/wx/phone', session, { code: 'expiretoken.p' });
    expect(response.status).toBe(200);
    expect(stub.serverApi.stats.stableTokenCalls - tokensBefore).toBe(1);
    expect(stub.serverApi.stats.phoneNumberCalls - phonesBefore).toBe(2);
  });
});
