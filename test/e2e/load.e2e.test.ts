import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSessionId } from '../../functions/shared/sessions/session-id.js';
import { testDocumentClient } from '../support/dynamodb.js';
import { call, login } from '../support/http.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/**
 * A bounded load on loopback: correctness under concurrency, not speed (timings live in `npm run bench`).
 */
const USERS = 50;
const REQUESTS = 1000;
const db = testDocumentClient();

describe('the twin under concurrent load', () => {
  let twin: RunningTwin;
  beforeAll(async () => {
    // Each user from a device of its own (X-Forwarded-For, trusted here), as real load arrives: 50 logins from one
    // address would all count against one client's login limit, on one counter item.
    twin = await startTwin({ POWERTOOLS_LOG_LEVEL: 'WARN', TRUST_X_FORWARDED_FOR: 'true' });
  });
  afterAll(async () => {
    await twin?.stop();
  });

  it('serves 50 concurrent logins, then 1,000 concurrent authorized requests, with no 5xx', async () => {
    const logins = await Promise.all(
      Array.from({ length: USERS }, (_, i) =>
        login(twin.baseUrl, `load${i}.1`, { 'X-Forwarded-For': `198.51.100.${i + 1}` })
      )
    );
    expect(logins.map((reply) => reply.status)).toEqual(Array(USERS).fill(200));
    const sessionIds = logins.map((reply) => reply.body.sessionId as string);

    const me = await Promise.all(sessionIds.map((sessionId) => call(twin.baseUrl, 'GET', '/me', { sessionId })));
    const openidOf = new Map(sessionIds.map((sessionId, i) => [sessionId, me[i]!.body.openid as string]));
    expect(new Set(openidOf.values()).size).toBe(USERS);

    const replies = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const sessionId = sessionIds[i % USERS]!;
        // GET /me names its caller, so every answer can be checked against the session that asked.
        const reply = await call(twin.baseUrl, 'GET', '/me', { sessionId });
        return { reply, expected: openidOf.get(sessionId) };
      })
    );
    const statuses = replies.map(({ reply }) => reply.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses).toEqual(Array(REQUESTS).fill(200));
    for (const { reply, expected } of replies) expect(reply.body.openid).toBe(expected);

    const { Items = [] } = await db.send(new ScanCommand({ TableName: twin.tableName, ConsistentRead: true }));
    const sessionKeys = Items.map((item) => String(item.pk)).filter((pk) => pk.startsWith('session#'));
    const expectedKeys = sessionIds.map((sessionId) => `session#${hashSessionId(sessionId)}`);
    expect(sessionKeys.sort()).toEqual(expectedKeys.sort());
  });
});
