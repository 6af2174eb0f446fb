import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient } from '../../client/src/auth-client.js';
import { sessionTable } from '../../functions/shared/contract/table.js';
import { dynamoDbLocalSettings } from '../../functions/shared/runtime/dynamodb.js';
import { SESSION_PK_PREFIX } from '../../functions/shared/sessions/dynamodb-session-persistence.js';
import { hashSessionId } from '../../functions/shared/sessions/session-id.js';
import { FakeWx, httpTransport } from '../support/client/fake-wx.js';
import { STORAGE_KEY } from '../support/client/harness.js';
import { createTestTable } from '../support/dynamodb.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/**
 * The SDK end to end: a fake wx whose wx.request is real HTTP, against the local twin (`npm start`: the real
 * handlers behind the API Gateway stand-in, DynamoDB Local, the WeChat stub).
 */
let twin: RunningTwin;
let shortTwin: RunningTwin;

beforeAll(async () => {
  // The short-lived sessions live in a table with TTL deletion off: DynamoDB Local deletes expired items within
  // seconds, which would let the expiry test pass without the server ever checking expiresAt. The twin keeps an
  // existing table as it is.
  const keepsExpiredItems = await createTestTable({ ttl: false });
  [twin, shortTwin] = await Promise.all([
    startTwin(),
    startTwin({ SESSION_TTL_SECONDS: '2', TABLE_NAME: keepsExpiredItems }),
  ]);
});

afterAll(async () => {
  await Promise.all([twin?.stop(), shortTwin?.stop()]);
});

/** A mini program on `target`: codes `<user>.<n>`, so the stub logs every login in as the same user. */
const miniProgram = (target: RunningTwin, user: string) => {
  const wx = new FakeWx({ transport: httpTransport(), user });
  const client = createAuthClient({ baseUrl: target.baseUrl, wx });
  const storedSessionId = (): string | undefined => {
    const stored = wx.getStorageSync(STORAGE_KEY);
    return typeof stored === 'object' && stored !== null ? (stored as { sessionId: string }).sessionId : undefined;
  };
  const sentSessionIds = (path: string) => wx.requestsTo(path).map((request) => request.header['X-Session-Id']);
  return { client, sentSessionIds, storedSessionId, wx };
};

const tableOf = (target: RunningTwin) => {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(dynamoDbLocalSettings(target.dynamodbEndpoint)));
  const key = (sessionId: string) => ({
    [sessionTable.partitionKey.name]: SESSION_PK_PREFIX + hashSessionId(sessionId),
  });
  const partitionKey = sessionTable.partitionKey.name;
  return {
    item: async (sessionId: string) =>
      (await db.send(new GetCommand({ TableName: target.tableName, Key: key(sessionId), ConsistentRead: true }))).Item,
    remove: (sessionId: string) => db.send(new DeleteCommand({ TableName: target.tableName, Key: key(sessionId) })),
    /** The session items (not the `user#` items beside them) the server holds for `openid`. */
    sessionsOf: async (openid: string) => {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new ScanCommand({ TableName: target.tableName, ConsistentRead: true, ExclusiveStartKey: startKey })
        );
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items.filter((item) => String(item[partitionKey]).startsWith(SESSION_PK_PREFIX) && item.openid === openid);
    },
  };
};

/** What the server says about a session id, asked behind the client's back. */
const serverStatusOf = async (target: RunningTwin, sessionId: string): Promise<number> =>
  (await fetch(`${target.baseUrl}/me`, { headers: { 'X-Session-Id': sessionId } })).status;

describe('the mini program SDK against the local twin', () => {
  it('logs in on the first request and the request succeeds', async () => {
    const { client, storedSessionId, wx } = miniProgram(twin, 'alice');

    const response = await client.request<{ openid: string }>({ url: '/me' });

    expect(response.statusCode).toBe(200);
    expect(response.data.openid).toMatch(/^o[\w-]{27}$/);
    expect(wx.loginCalls).toBe(1);
    expect(storedSessionId()).toMatch(/^[\w-]{43}$/);
    expect(await tableOf(twin).item(storedSessionId()!)).toMatchObject({ openid: response.data.openid });
  });

  it('sends exactly one wx.login and one POST /login for 10 concurrent first requests', async () => {
    const { client, sentSessionIds, storedSessionId, wx } = miniProgram(twin, 'bob');

    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, n) => client.request<{ openid?: string }>({ url: n % 2 ? '/me' : '/products' }))
    );

    expect(responses.map((response) => response.statusCode)).toEqual(Array(10).fill(200));
    expect(wx.loginCalls).toBe(1);
    expect(wx.requestsTo('/login')).toHaveLength(1);
    expect(new Set([...sentSessionIds('/me'), ...sentSessionIds('/products')])).toEqual(new Set([storedSessionId()]));
    // The server agrees: this user got one session, the one the client keeps.
    const openid = responses[1]!.data.openid!;
    expect(openid).toMatch(/^o[\w-]{27}$/);
    const sessions = await tableOf(twin).sessionsOf(openid);
    expect(sessions.map((item) => item[sessionTable.partitionKey.name])).toEqual([
      SESSION_PK_PREFIX + hashSessionId(storedSessionId()!),
    ]);
  });

  it('logs in again and succeeds after the session was deleted on the server', async () => {
    const { client, sentSessionIds, storedSessionId, wx } = miniProgram(twin, 'carol');
    const before = await client.request<{ openid: string }>({ url: '/me' });
    const deleted = storedSessionId()!;
    await tableOf(twin).remove(deleted);
    expect(await serverStatusOf(twin, deleted)).toBe(403);

    const after = await client.request<{ openid: string }>({ url: '/me' });

    expect(after.statusCode).toBe(200);
    expect(after.data.openid).toBe(before.data.openid);
    expect(wx.loginCalls).toBe(2);
    expect(sentSessionIds('/me')).toEqual([deleted, deleted, storedSessionId()]);
    expect(storedSessionId()).not.toBe(deleted);
  });

  it('replaces an expired session transparently, whether or not the client saw the expiry coming', async () => {
    // Both log in on a twin whose sessions idle out after 2 s.
    const foresees = miniProgram(shortTwin, 'dave');
    const surprised = miniProgram(shortTwin, 'erin');
    await Promise.all([foresees.client.request({ url: '/me' }), surprised.client.request({ url: '/me' })]);
    const [foreseen, unforeseen] = [foresees.storedSessionId()!, surprised.storedSessionId()!];
    // This one's record says its session lasts for years (a device clock far behind, say): only the server knows.
    surprised.wx.setStorageSync(STORAGE_KEY, {
      ...(surprised.wx.getStorageSync(STORAGE_KEY) as object),
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
    // Wait out the later of the two expiries as stored: login rounds its clock up to a whole second, so a 2 s session
    // can last up to 3 s, and a fixed sleep shorter than that fails whenever a login lands early in its second.
    const expiries = await Promise.all(
      [foreseen, unforeseen].map(async (sessionId) => {
        const item = await tableOf(shortTwin).item(sessionId);
        return Number(item?.[sessionTable.timeToLiveAttribute]) * 1000;
      })
    );
    await sleep(Math.max(...expiries) - Date.now() + 100);
    // Still in the table, past their expiresAt: the refusals below come from the server checking it, not from a
    // TTL deletion.
    for (const sessionId of [foreseen, unforeseen]) {
      const item = await tableOf(shortTwin).item(sessionId);
      expect(item).toBeDefined();
      expect(Number(item![sessionTable.timeToLiveAttribute]) * 1000).toBeLessThanOrEqual(Date.now());
    }
    expect(await serverStatusOf(shortTwin, foreseen)).toBe(403);
    expect(await serverStatusOf(shortTwin, unforeseen)).toBe(403);

    const [renewed, recovered] = await Promise.all([
      foresees.client.request({ url: '/me' }),
      surprised.client.request({ url: '/me' }),
    ]);

    expect(renewed.statusCode).toBe(200);
    expect(recovered.statusCode).toBe(200);
    // Past its expiresAt the session is not even tried; the other one is refused once, then replaced.
    expect(foresees.sentSessionIds('/me')).toEqual([foreseen, foresees.storedSessionId()]);
    expect(surprised.sentSessionIds('/me')).toEqual([unforeseen, unforeseen, surprised.storedSessionId()]);
    expect(foresees.wx.loginCalls).toBe(2);
    expect(surprised.wx.loginCalls).toBe(2);
  });

  it('leaves no session in storage or in the table after logout', async () => {
    const { client, storedSessionId, wx } = miniProgram(twin, 'frank');
    await client.request({ url: '/me' });
    const sessionId = storedSessionId()!;
    expect(await tableOf(twin).item(sessionId)).toBeDefined();

    await expect(client.logout()).resolves.toBe(true);

    expect(wx.storage.size).toBe(0);
    expect(client.hasSession()).toBe(false);
    expect(await tableOf(twin).item(sessionId)).toBeUndefined();
    expect(await serverStatusOf(twin, sessionId)).toBe(403);
  });
});
