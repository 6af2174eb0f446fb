import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { createHandler as createAuthorizer } from '../../functions/authorizer/handler.js';
import type { createHandler as createListSessions } from '../../functions/list-sessions/handler.js';
import type { createHandler as createLogin } from '../../functions/login/handler.js';
import type { createHandler as createLogout } from '../../functions/logout/handler.js';
import { createLoginLimit } from '../../functions/shared/composition-roots/limits.js';
import type { SessionConfig } from '../../functions/shared/runtime/config.js';
import { WeChatApps } from '../../functions/shared/wechat/apps.js';
import { WeChatClient } from '../../functions/shared/wechat/client.js';
import { authorizerEvent, httpEvent, lambdaContext } from '../support/events.js';
import { BENCH_APP_ID, instrumentedSessionStore } from './instrumented.js';
import type { OperationCounts } from './operation-counter.js';

/**
 * DynamoDB work per request, counted on the wire (see operation-counter.ts) while the real handler code runs against
 * DynamoDB Local. Each scenario states what the contract allows and whether the count met it exactly.
 */
type Factories = {
  authorizer: typeof createAuthorizer;
  login: typeof createLogin;
  logout: typeof createLogout;
  listSessions: typeof createListSessions;
};

interface WorkRow {
  scenario: string;
  requests: number;
  reads: number;
  consistentReads: number;
  writes: number;
  readUnits: number;
  writeUnits: number;
  operations: Record<string, number>;
  expected: string;
  ok: boolean;
}

interface RenewalReplay {
  days: number;
  requestEveryMinutes: number;
  requests: number;
  writes: number;
  writeUnits: number;
  halfWindowHours: number;
  /** The shortest time between two renewal writes of the session: never under half the idle window. */
  minHoursBetweenWrites: number | null;
}

interface WorkDependencies {
  config: SessionConfig;
  /** `createHandler` of each function module, imported once the environment is set. */
  factories: Factories;
  wechat: { appId: string; appSecret: string; baseUrl: string };
}

const row = (scenario: string, requests: number, counts: OperationCounts, expected: string, ok: boolean): WorkRow => ({
  scenario,
  requests,
  reads: counts.reads,
  consistentReads: counts.consistentReads,
  writes: counts.writes,
  readUnits: counts.readUnits,
  writeUnits: counts.writeUnits,
  operations: counts.byOperation,
  expected,
  ok,
});

const malformedIds = (): string[] => [
  '',
  ' ',
  'null',
  'a'.repeat(42),
  'a'.repeat(44),
  `${'a'.repeat(42)}=`,
  `${'a'.repeat(42)}+`,
  `${'a'.repeat(42)}/`,
  '../../etc/passwd',
  "' OR 1=1 --",
  '会话'.repeat(20),
  'a'.repeat(10_000),
  ...Array.from({ length: 188 }, () => randomBytes(32).toString('base64')),
];

const measureDynamoDbWork = async (deps: WorkDependencies): Promise<{ rows: WorkRow[]; renewal: RenewalReplay }> => {
  const rows: WorkRow[] = [];
  const { config, factories } = deps;
  const identity = () => ({
    appId: BENCH_APP_ID,
    openid: `o${randomBytes(14).toString('base64url')}`,
    sessionKey: randomBytes(16).toString('base64'),
  });

  // The authorizer on live sessions: one strongly consistent read each, no write while far from renewal.
  {
    const { sessions, counter } = instrumentedSessionStore(config);
    const authorizer = factories.authorizer(sessions);
    const ids = await Promise.all(
      Array.from({ length: 50 }, async () => (await sessions.create(identity())).sessionId)
    );
    counter.reset();
    let allowed = 0;
    const requests = 200;
    for (let i = 0; i < requests; i += 1) {
      const result = await authorizer(authorizerEvent({ sessionId: ids[i % ids.length] }));
      if (result.isAuthorized) allowed += 1;
    }
    const counts = counter.counts();
    const exact =
      allowed === requests && counts.reads === requests && counts.consistentReads === requests && counts.writes === 0;
    rows.push(row('authorizer: live session', requests, counts, '1 consistent read, 0 writes each', exact));
  }

  // Malformed ids are refused on their shape: no DynamoDB call at all.
  {
    const { sessions, counter } = instrumentedSessionStore(config);
    const authorizer = factories.authorizer(sessions);
    const ids = malformedIds();
    let denied = 0;
    for (const sessionId of ids) {
      const result = await authorizer(authorizerEvent({ sessionId }));
      if (!result.isAuthorized) denied += 1;
    }
    const counts = counter.counts();
    const exact = denied === ids.length && counts.reads + counts.writes === 0;
    rows.push(row('authorizer: malformed id', ids.length, counts, '0 operations', exact));
  }

  // Well-formed ids nobody was issued: one read finds nothing, nothing is written.
  {
    const { sessions, counter } = instrumentedSessionStore(config);
    const authorizer = factories.authorizer(sessions);
    const requests = 100;
    let denied = 0;
    for (let i = 0; i < requests; i += 1) {
      const result = await authorizer(authorizerEvent({ sessionId: randomBytes(32).toString('base64url') }));
      if (!result.isAuthorized) denied += 1;
    }
    const counts = counter.counts();
    const exact = denied === requests && counts.reads === requests && counts.writes === 0;
    rows.push(row('authorizer: unknown id', requests, counts, '1 read, 0 writes each', exact));
  }

  // One busy session replayed over its whole life on a moved clock: renewal writes at most once per half window.
  const renewal = await (async (): Promise<RenewalReplay> => {
    let now = Date.now();
    const { sessions, counter } = instrumentedSessionStore(config, () => now);
    const authorizer = factories.authorizer(sessions);
    const { sessionId } = await sessions.create(identity());
    counter.reset();
    const everyMinutes = 30;
    const lifeMs = config.sessionMaxAgeSeconds * 1000;
    const start = now;
    const writeTimes: number[] = [];
    let requests = 0;
    let allowed = 0;
    for (let at = start + everyMinutes * 60_000; at < start + lifeMs; at += everyMinutes * 60_000) {
      now = at;
      const before = counter.counts().writes;
      const result = await authorizer(authorizerEvent({ sessionId }));
      requests += 1;
      if (result.isAuthorized) allowed += 1;
      if (counter.counts().writes > before) writeTimes.push(at);
    }
    const counts = counter.counts();
    const halfWindowMs = (config.sessionTtlSeconds * 1000) / 2;
    const gaps = writeTimes.slice(1).map((time, i) => time - writeTimes[i]!);
    const minGap = gaps.length > 0 ? Math.min(...gaps) : null;
    const bound = Math.ceil(lifeMs / halfWindowMs);
    rows.push(
      row(
        `authorizer: 1 session, a request every ${everyMinutes} min for ${config.sessionMaxAgeSeconds / 86_400} days`,
        requests,
        counts,
        `1 read each; ≤ 1 write per ${halfWindowMs / 3_600_000} h (≤ ${bound})`,
        allowed === requests &&
          counts.reads === requests &&
          counts.writes <= bound &&
          counts.writes > 0 &&
          (minGap === null || minGap >= halfWindowMs)
      )
    );
    return {
      days: config.sessionMaxAgeSeconds / 86_400,
      requestEveryMinutes: everyMinutes,
      requests,
      writes: counts.writes,
      writeUnits: counts.writeUnits,
      halfWindowHours: halfWindowMs / 3_600_000,
      minHoursBetweenWrites: minGap === null ? null : minGap / 3_600_000,
    };
  })();

  // Login: one read (the user record) and one write request (a transaction: the session, the user record and, beyond
  // the limit, the evicted session) per issued session; nothing when WeChat refuses the code.
  rows.push(...(await measureLogin(deps)));

  rows.push(...(await measureSignOut(deps, identity)));

  return { rows, renewal };
};

const callerOf = (openid: string) => ({ openid, appId: BENCH_APP_ID });

/** Logins of new users, of returning users and beyond the session limit; refused codes; over the per-IP limit. */
const measureLogin = async (deps: WorkDependencies): Promise<WorkRow[]> => {
  const { sessions, counter, client } = instrumentedSessionStore(deps.config);
  const apps = new WeChatApps(
    [deps.wechat.appId],
    (appId) =>
      new WeChatClient({ appId, appSecret: async () => deps.wechat.appSecret, apiBaseUrl: deps.wechat.baseUrl })
  );
  const loginWithLimit = (limit: number) =>
    deps.factories.login({
      sessions,
      apps,
      attempts: createLoginLimit(client, deps.config, { loginLimitPerIpPerMinute: limit }),
    });
  let login = loginWithLimit(1_000_000);
  // Each scenario from its own client IP, so their counters start at zero.
  let sourceIp = '';
  const call = async (code: string) =>
    (await login(
      httpEvent({ method: 'POST', path: '/login', body: JSON.stringify({ code }), sourceIp }),
      lambdaContext('login')
    )) as { statusCode: number };
  const run = randomBytes(4).toString('hex');
  const rows: WorkRow[] = [];
  const measure = async (scenario: string, codes: string[]) => {
    counter.reset();
    let ok = 0;
    for (const code of codes) if ((await call(code)).statusCode === 200) ok += 1;
    const counts = counter.counts();
    const exact =
      ok === codes.length &&
      counts.reads === codes.length &&
      counts.consistentReads === codes.length &&
      counts.byOperation.UpdateItem === codes.length &&
      counts.byOperation.TransactWriteItems === codes.length &&
      counts.writes === 2 * codes.length;
    rows.push(row(scenario, codes.length, counts, '1 read + 1 counter update + 1 transaction each', exact));
  };
  sourceIp = '198.51.100.1';
  await measure(
    'login: new user',
    Array.from({ length: 50 }, (_, i) => `new${run}${i}.1`)
  );
  // 5 users, 12 logins each: the 11th and 12th end the user's oldest session in the same transaction.
  sourceIp = '198.51.100.4';
  await measure(
    'login: returning user (to 10 sessions, then beyond the limit)',
    Array.from({ length: 60 }, (_, i) => `back${run}${i % 5}.${i}`)
  );
  counter.reset();
  sourceIp = '198.51.100.2';
  let refused = 0;
  for (let i = 0; i < 20; i += 1) if ((await call(`invalid${run}${i}`)).statusCode === 401) refused += 1;
  const refusedCounts = counter.counts();
  const refusedExact =
    refused === 20 &&
    refusedCounts.writes === 20 &&
    refusedCounts.byOperation.UpdateItem === 20 &&
    refusedCounts.reads === 0;
  rows.push(row('login: code refused by WeChat', 20, refusedCounts, '1 counter update each', refusedExact));

  // Over the client IP's limit: the counter's condition fails (still a billed write), WeChat is not asked.
  login = loginWithLimit(5);
  sourceIp = '198.51.100.3';
  for (let i = 0; i < 5; i += 1) await call(`invalid${run}limit${i}`);
  counter.reset();
  let limited = 0;
  for (let i = 0; i < 20; i += 1) if ((await call(`bench${run}limited${i}.1`)).statusCode === 429) limited += 1;
  const limitedCounts = counter.counts();
  const limitedExact =
    limited === 20 &&
    limitedCounts.writes === 20 &&
    limitedCounts.byOperation.UpdateItem === 20 &&
    limitedCounts.reads === 0;
  rows.push(
    row('login: over the per-IP limit (429)', 20, limitedCounts, '1 refused conditional update each', limitedExact)
  );
  return rows;
};

/** Logout of one session, listing, and signing out everywhere: what each costs. */
const measureSignOut = async (
  deps: WorkDependencies,
  identity: () => { appId: string; openid: string; sessionKey: string }
): Promise<WorkRow[]> => {
  const { sessions, counter } = instrumentedSessionStore(deps.config);
  const rows: WorkRow[] = [];
  const eventFor = (path: string, method: string, sessionId: string, openid: string, body?: string) =>
    httpEvent({
      method,
      path,
      headers: { 'X-Session-Id': sessionId },
      authorizerContext: callerOf(openid),
      ...(body !== undefined ? { body } : {}),
    });
  const users = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const who = identity();
      const ids = [];
      for (let i = 0; i < 3; i += 1) ids.push((await sessions.create(who)).sessionId);
      return { openid: who.openid, ids };
    })
  );
  const logout = deps.factories.logout(sessions);
  const list = deps.factories.listSessions(sessions);
  const measure = async (
    scenario: string,
    expected: string,
    run: (user: (typeof users)[number]) => Promise<boolean>,
    check: (c: OperationCounts) => boolean
  ) => {
    counter.reset();
    let ok = 0;
    for (const user of users) if (await run(user)) ok += 1;
    const counts = counter.counts();
    rows.push(row(scenario, users.length, counts, expected, ok === users.length && check(counts)));
  };
  const status = async (result: unknown) => (result as { statusCode: number }).statusCode;
  await measure(
    'logout (this session)',
    '1 write request (a transaction), 0 reads each',
    async (user) =>
      (await status(
        await logout(eventFor('/logout', 'POST', user.ids[0] as string, user.openid), lambdaContext('logout'))
      )) === 204,
    (counts) => counts.writes === users.length && counts.reads === 0
  );
  await measure(
    'GET /sessions (2 live sessions)',
    '2 consistent reads (user record + BatchGetItem), 0 writes each',
    async (user) =>
      (await status(
        await list(eventFor('/sessions', 'GET', user.ids[1] as string, user.openid), lambdaContext('list-sessions'))
      )) === 200,
    (counts) => counts.reads === 2 * users.length && counts.writes === 0
  );
  await measure(
    'logout everywhere (2 sessions)',
    '1 read + 1 write request each',
    async (user) =>
      (await status(
        await logout(
          eventFor('/logout', 'POST', user.ids[1] as string, user.openid, '{"everywhere":true}'),
          lambdaContext('logout')
        )
      )) === 204,
    (counts) => counts.reads === users.length && counts.writes === users.length
  );
  return rows;
};

/**
 * The largest session item in the table, sized as DynamoDB bills it (attribute names plus values; numbers at their
 * 21-byte maximum): it decides how many request units one read or write costs.
 */
const largestItemBytes = async (client: DynamoDBDocumentClient, tableName: string): Promise<number> => {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
  const sizeOf = (item: Record<string, unknown>) =>
    Object.entries(item).reduce(
      (total, [name, value]) =>
        total + Buffer.byteLength(name) + (typeof value === 'number' ? 21 : Buffer.byteLength(String(value))),
      0
    );
  return Items.reduce((max, item) => Math.max(max, sizeOf(item)), 0);
};

export type { Factories, RenewalReplay, WorkDependencies, WorkRow };
export { largestItemBytes, measureDynamoDbWork };
