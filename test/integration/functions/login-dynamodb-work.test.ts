import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHandler } from '../../../functions/login/handler.js';
import { createLoginLimit } from '../../../functions/shared/composition-roots/limits.js';
import { createSessionStore } from '../../../functions/shared/composition-roots/sessions.js';
import { createDocumentClient } from '../../../functions/shared/runtime/dynamodb.js';
import { DynamoDbSessionPersistence } from '../../../functions/shared/sessions/dynamodb-session-persistence.js';
import { WeChatApps } from '../../../functions/shared/wechat/apps.js';
import { WeChatClient } from '../../../functions/shared/wechat/client.js';
import { type RunningWeChatStub, startWeChatStub } from '../../../infra/local/wechat-stub.js';
import { countOperations } from '../../bench/operation-counter.js';
import { createTestTable } from '../../support/dynamodb.js';
import { httpEvent, lambdaContext } from '../../support/events.js';

/**
 * Login's DynamoDB work per call, counted on the wire as `npm run bench` counts it, with the production wiring on
 * DynamoDB Local: the client IP's counter (one conditional UpdateItem, before WeChat), then one transaction.
 */
const APP_ID = 'wx4444555566667777';
const SECRET = 'login-work-secret';
let stub: RunningWeChatStub;

beforeAll(async () => {
  stub = await startWeChatStub({ appId: APP_ID, appSecret: SECRET });
});
afterAll(async () => {
  await stub?.stop();
});

const setup = async (limit: number) => {
  const config = { tableName: await createTestTable(), dynamodbEndpoint: inject('dynamodbEndpoint') };
  const client = createDocumentClient(config);
  const counter = countOperations(client);
  const sessions = createSessionStore(
    { ...config, sessionTtlSeconds: 3600, sessionMaxAgeSeconds: 7200 },
    { persistence: new DynamoDbSessionPersistence(client, config.tableName), maxSessionsPerUser: 10 }
  );
  const apps = new WeChatApps(
    [APP_ID],
    (appId) => new WeChatClient({ appId, appSecret: async () => SECRET, apiBaseUrl: stub.baseUrl })
  );
  const attempts = createLoginLimit(client, config, { loginLimitPerIpPerMinute: limit });
  const handler = createHandler({ sessions, apps, attempts });
  const login = async (code: string) =>
    (
      (await handler(
        httpEvent({ method: 'POST', path: '/login', body: JSON.stringify({ code }), sourceIp: '198.51.100.77' }),
        lambdaContext('login')
      )) as APIGatewayProxyStructuredResultV2
    ).statusCode;
  return { counter, login };
};

describe("login's DynamoDB work per call", () => {
  it('an accepted code: the counter (1 UpdateItem), the user record (1 consistent GetItem), 1 TransactWriteItems (session + user record): 5 WRU, 1 RRU', async () => {
    const { counter, login } = await setup(1000);
    for (let i = 0; i < 5; i += 1) expect(await login(`work${i}.1`)).toBe(200);
    const counts = counter.counts();
    expect(counts.byOperation).toEqual({ UpdateItem: 5, GetItem: 5, TransactWriteItems: 5 });
    expect(counts.reads).toBe(5);
    expect(counts.consistentReads).toBe(5);
    expect(counts.writeUnits).toBe(5 * 5);
  });

  it('a code WeChat refuses: the counter only (1 WRU); over the limit: the refused counter update only, no WeChat call', async () => {
    const { counter, login } = await setup(2);
    expect(await login('invalid-a')).toBe(401);
    expect(await login('invalid-b')).toBe(401);
    const callsBefore = stub.serverApi.stats.code2SessionCalls;
    expect(await login('overlimit.1')).toBe(429);
    expect(stub.serverApi.stats.code2SessionCalls).toBe(callsBefore);
    expect(counter.counts().byOperation).toEqual({ UpdateItem: 3 });
    expect(counter.counts().writeUnits).toBe(3);
  });
});
