import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningWeChatStub, startWeChatStub } from '../../infra/local/wechat-stub.js';
import { testDocumentClient } from '../support/dynamodb.js';
import { call, login, sessionIdOf } from '../support/http.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/**
 * Replay-safe login on the twin: a code sent again within 5 minutes (a retry after a lost reply) gets the same
 * session without a second code2Session call, and concurrent requests with one code make one session.
 */
const APP = { appId: 'wx1111222233334444', appSecret: 'replay-secret' };
const db = testDocumentClient();

let stub: RunningWeChatStub;
let twin: RunningTwin;
const issuedSessionIds: string[] = [];

const code2SessionCalls = () => stub.serverApi.stats.code2SessionCalls;
const tableItems = async () => (await db.send(new ScanCommand({ TableName: twin.tableName }))).Items ?? [];
const sessionItems = async () => (await tableItems()).filter((item) => String(item.pk).startsWith('session#'));

beforeAll(async () => {
  stub = await startWeChatStub(APP);
  twin = await startTwin({
    WECHAT_APP_ID: APP.appId,
    WECHAT_APP_SECRET: APP.appSecret,
    WECHAT_API_BASE_URL: stub.baseUrl,
  });
}, 90_000);

afterAll(async () => {
  await twin?.stop();
  await stub?.stop();
});

describe('the same code again', () => {
  it('gets the same sessionId and expiresAt, with one code2Session call', async () => {
    const before = code2SessionCalls();
    const first = await login(twin.baseUrl, 'amy.1');
    const retry = await login(twin.baseUrl, 'amy.1');
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(code2SessionCalls() - before).toBe(1);
    issuedSessionIds.push(sessionIdOf(first));
    // And the replayed id is a working session.
    expect((await call(twin.baseUrl, 'GET', '/me', { sessionId: sessionIdOf(retry) })).status).toBe(200);
  });

  it('after logout answers 401 invalid_code, as a spent code does, and asks WeChat nothing', async () => {
    const first = await login(twin.baseUrl, 'ben.1');
    issuedSessionIds.push(sessionIdOf(first));
    expect((await call(twin.baseUrl, 'POST', '/logout', { sessionId: sessionIdOf(first) })).status).toBe(204);
    const before = code2SessionCalls();
    const retry = await login(twin.baseUrl, 'ben.1');
    expect(retry.status).toBe(401);
    expect(retry.body).toEqual({ error: 'invalid_code', message: expect.any(String) });
    expect(code2SessionCalls()).toBe(before);
  });

  it('a code WeChat refused is refused again on retry (nothing replayed)', async () => {
    expect((await login(twin.baseUrl, 'invalid.replay')).status).toBe(401);
    expect((await login(twin.baseUrl, 'invalid.replay')).status).toBe(401);
  });
});

describe('ten concurrent requests with one code', () => {
  it('make one session and one code2Session call; every 200 has the same sessionId, every other reply is 409', async () => {
    const callsBefore = code2SessionCalls();
    const sessionsBefore = (await sessionItems()).length;
    const replies = await Promise.all(Array.from({ length: 10 }, () => login(twin.baseUrl, 'cleo.1')));

    expect(code2SessionCalls() - callsBefore).toBe(1);
    expect((await sessionItems()).length - sessionsBefore).toBe(1);
    const ok = replies.filter((reply) => reply.status === 200);
    expect(ok.length).toBeGreaterThan(0);
    expect(new Set(ok.map((reply) => reply.body.sessionId)).size).toBe(1);
    const sessionId = sessionIdOf(ok[0] ?? { status: 0, body: {} });
    issuedSessionIds.push(sessionId);
    for (const reply of replies.filter((each) => each.status !== 200)) {
      expect(reply.status).toBe(409);
      expect(reply.body).toEqual({ error: 'login_in_progress', message: expect.any(String) });
      expect(reply.headers.get('retry-after')).toBe('1');
    }
    // A retry after a 409 gets the same session.
    const retry = await login(twin.baseUrl, 'cleo.1');
    expect(sessionIdOf(retry)).toBe(sessionId);
  });
});

describe('what the table holds', () => {
  it('no item contains a raw session id (the replay records hold the reply sealed under the code)', async () => {
    const items = await tableItems();
    expect(items.some((item) => String(item.pk).startsWith('code#'))).toBe(true);
    const dump = JSON.stringify(items);
    expect(issuedSessionIds.length).toBeGreaterThanOrEqual(3);
    for (const sessionId of issuedSessionIds) expect(dump).not.toContain(sessionId);
    // Nor the codes themselves.
    for (const code of ['amy.1', 'ben.1', 'cleo.1']) expect(dump).not.toContain(code);
  });
});
