import { createServer, type Server, type Socket } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../../../functions/login/handler.js';
import { defaults } from '../../../../../functions/shared/contract/defaults.js';
import { AppError } from '../../../../../functions/shared/http/errors.js';
import { createDocumentClient } from '../../../../../functions/shared/runtime/dynamodb.js';
import {
  budgetSignal,
  currentBudget,
  TimeBudget,
  withTimeBudget,
} from '../../../../../functions/shared/runtime/time-budget.js';
import { WeChatApps } from '../../../../../functions/shared/wechat/apps.js';
import { WeChatClient } from '../../../../../functions/shared/wechat/client.js';
import { httpEvent, lambdaContext } from '../../../../support/events.js';
import { fakeFetch } from '../../../../support/fakes/fake-fetch.js';

/** A Lambda context whose remaining time runs down from `timeoutMs`, as the real one does. */
const runningContext = (timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return { ...lambdaContext('login'), getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
};

/** No per-IP limit: these tests are about time. */
const noLimit = { take: async () => undefined };

const loginEvent = (code: string) => httpEvent({ method: 'POST', path: '/login', body: JSON.stringify({ code }) });

const timed = async <T>(work: Promise<T>): Promise<{ result: T; elapsedMs: number }> => {
  const started = performance.now();
  const result = await work;
  return { result, elapsedMs: performance.now() - started };
};

describe('TimeBudget', () => {
  it('ends the safety margin before the Lambda timeout the context reports', () => {
    const budget = TimeBudget.fromContext({ getRemainingTimeInMillis: () => 10_000 }, 500, () => 1000);
    expect(budget?.deadline).toBe(1000 + 9500);
  });

  it('is absent when the context reports no remaining time (a bare call), and then bounds nothing', async () => {
    expect(TimeBudget.fromContext(undefined)).toBeUndefined();
    await withTimeBudget(async () => expect(currentBudget()).toBeUndefined())(undefined, {});
    expect(budgetSignal()).toBeUndefined();
  });

  it('keeps each invocation’s budget to itself when invocations overlap in one process (the twin)', async () => {
    const seen: number[] = [];
    const handler = withTimeBudget(async (event: number) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(Math.round((currentBudget()?.remainingMs() ?? 0) / 1000) * 1000 - event);
    });
    await Promise.all([
      handler(5000, { getRemainingTimeInMillis: () => 5000 + defaults.budgetSafetyMarginMs }),
      handler(9000, { getRemainingTimeInMillis: () => 9000 + defaults.budgetSafetyMarginMs }),
    ]);
    expect(seen).toEqual([0, 0]);
  });
});

describe('login never overruns its Lambda timeout', () => {
  const timeoutMs = 3000;

  it('every WeChat host hanging → 502 wechat_unavailable with its JSON body, before the timeout', async () => {
    const hanging = fakeFetch('hang', 'hang', 'hang');
    const wechat = new WeChatClient({
      appId: 'wx0123456789abcdef',
      appSecret: async () => 'secret',
      apiBaseUrls: ['https://a.test', 'https://b.test', 'https://c.test'],
      // The per-attempt cap is far beyond the timeout: only the budget can stop these attempts in time.
      timeoutMs: 60_000,
      fetch: hanging.fetch,
    });
    const sessions = { create: async () => ({ sessionId: 'never', expiresAt: new Date(), isNewUser: false }) };
    const apps = new WeChatApps(['wx0123456789abcdef'], () => wechat);
    const handler = createHandler({ sessions, apps, attempts: noLimit });
    const { result, elapsedMs } = await timed(handler(loginEvent('code-1'), runningContext(timeoutMs)));
    const response = result as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(502);
    expect(JSON.parse(String(response.body))).toMatchObject({ error: 'wechat_unavailable' });
    expect(elapsedMs).toBeLessThan(timeoutMs - defaults.answerEarlyMarginMs);
    expect(hanging.calls.length).toBeGreaterThan(0);
  });

  it('a step the budget cannot bound hanging → middy answers 503 service_unavailable with Retry-After, in time', async () => {
    const wechat = { exchangeCode: async () => ({ openid: 'o', sessionKey: 'k' }) } as unknown as WeChatClient;
    const sessions = { create: () => new Promise<never>(() => undefined) };
    const apps = new WeChatApps(['wx0123456789abcdef'], () => wechat);
    const handler = createHandler({ sessions, apps, attempts: noLimit });
    const { result, elapsedMs } = await timed(handler(loginEvent('code-1'), runningContext(1000)));
    const response = result as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(String(response.body))).toMatchObject({ error: 'service_unavailable' });
    expect(elapsedMs).toBeLessThan(1000);
  });
});

describe('DynamoDB calls end with the budget', () => {
  let server: Server;
  let endpoint: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: a DynamoDB that hangs.
    server = createServer((socket) => {
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a hanging DynamoDB → 503 service_unavailable once the budget ends, not a Lambda timeout', async () => {
    const client = createDocumentClient({ tableName: 'sessions', dynamodbEndpoint: endpoint });
    const read = withTimeBudget(async () =>
      client.send(new GetCommand({ TableName: 'sessions', Key: { pk: 'session#x' } }))
    );
    const started = performance.now();
    const error = await read(undefined, runningContext(1200)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('service_unavailable');
    // The budget (1200 - 500 ms) ends well before one DynamoDB attempt's own cap would.
    expect(performance.now() - started).toBeLessThan(1200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    client.destroy();
  });
});
