import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { createHandler as createAuthorizer } from '../../functions/authorizer/handler.js';
import { createSessionStore } from '../../functions/shared/composition-roots/sessions.js';
import { sessionTable } from '../../functions/shared/contract/table.js';
import type { SessionConfig } from '../../functions/shared/runtime/config.js';
import {
  DynamoDbSessionPersistence,
  SESSION_PK_PREFIX,
} from '../../functions/shared/sessions/dynamodb-session-persistence.js';
import { hashSessionId } from '../../functions/shared/sessions/session-id.js';
import { SessionPolicy } from '../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../functions/shared/sessions/session-store.js';
import { authorizerEvent, lambdaContext } from '../support/events.js';
import { type Distribution, distribution } from './stats.js';

/**
 * Warm authorizer latency, two ways:
 * - the deployed bundle's `handler` (built with the stack's settings) called in this one process against DynamoDB
 *   Local: what an invocation costs end to end on loopback, milliseconds;
 * - the handler's own code with the DynamoDB call answered in-process (the document client's `send` returns the
 *   item at once): everything that is ours (id check, hashing, policy, item mapping), microseconds.
 */
type AuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEventV2,
  context: unknown
) => Promise<{ isAuthorized: boolean }>;

interface WarmAuthorizerResult {
  dynamodbLocalMs: Distribution;
  overheadUs: Distribution;
}

const timeCalls = async (
  handler: AuthorizerHandler,
  events: readonly APIGatewayRequestAuthorizerEventV2[],
  warmup: number,
  calls: number
): Promise<number[]> => {
  const context = lambdaContext('authorizer');
  for (let i = 0; i < warmup; i += 1) await handler(events[i % events.length]!, context);
  const nanos: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const event = events[i % events.length]!;
    const started = process.hrtime.bigint();
    const result = await handler(event, context);
    nanos.push(Number(process.hrtime.bigint() - started));
    if (!result.isAuthorized) throw new Error('the benchmark session was denied: the figures would be meaningless');
  }
  return nanos;
};

const measureWarmAuthorizer = async (options: {
  bundleFile: string;
  config: SessionConfig;
  createHandler: typeof createAuthorizer;
  dynamodbCalls: number;
  stubbedCalls: number;
}): Promise<WarmAuthorizerResult> => {
  const { config } = options;

  // Real handler: the bundle reads TABLE_NAME / DYNAMODB_ENDPOINT from the environment at import, as in Lambda.
  const { handler } = (await import(pathToFileURL(options.bundleFile).href)) as { handler: AuthorizerHandler };
  const sessions = createSessionStore(config);
  const ids = await Promise.all(
    Array.from(
      { length: 100 },
      async (_, i) =>
        (
          await sessions.create({
            appId: 'wx00000000bench000',
            openid: `o-bench-warm-${i}`,
            sessionKey: randomBytes(16).toString('base64'),
          })
        ).sessionId
    )
  );
  const events = ids.map((sessionId) => authorizerEvent({ sessionId }));
  const dynamodbNanos = await timeCalls(handler, events, 200, options.dynamodbCalls);

  // Stubbed: the same code path down to the document client, whose send answers at once with a live item.
  const now = Math.floor(Date.now() / 1000);
  const items = new Map(
    ids.map((sessionId, i) => {
      const pk = `${SESSION_PK_PREFIX}${hashSessionId(sessionId)}`;
      const item = {
        [sessionTable.partitionKey.name]: pk,
        openid: `o-bench-warm-${i}`,
        appId: 'wx00000000bench000',
        createdAt: now,
        [sessionTable.timeToLiveAttribute]: now + config.sessionTtlSeconds,
      };
      return [pk, item] as const;
    })
  );
  const answerAtOnce = {
    send: async (command: { input: { Key?: Record<string, string> } }) => ({
      Item: items.get(command.input.Key?.[sessionTable.partitionKey.name] ?? ''),
    }),
  } as unknown as DynamoDBDocumentClient;
  const stubbed = options.createHandler(
    new SessionStore(
      new DynamoDbSessionPersistence(answerAtOnce, config.tableName),
      new SessionPolicy(config.sessionTtlSeconds, config.sessionMaxAgeSeconds)
    )
  );
  const stubbedNanos = await timeCalls(stubbed, events, 5_000, options.stubbedCalls);

  return {
    dynamodbLocalMs: distribution(dynamodbNanos.map((ns) => ns / 1e6)),
    overheadUs: distribution(stubbedNanos.map((ns) => ns / 1e3)),
  };
};

export type { WarmAuthorizerResult };
export { measureWarmAuthorizer };
