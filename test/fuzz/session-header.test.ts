import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/authorizer/handler.js';
import { instrumentedSessionStore } from '../bench/instrumented.js';
import type { OperationCounter } from '../bench/operation-counter.js';
import { createTestTable } from '../support/dynamodb.js';
import { authorizerEvent } from '../support/events.js';
import {
  nearSessionId,
  SESSION_ID_SHAPE,
  sessionHeaderValue,
  wellFormedSessionId,
} from '../support/fuzz-arbitraries.js';

/**
 * Property: whatever arrives in X-Session-Id, the authorizer answers a plain deny — it never allows, and never
 * throws (a throw is API Gateway's 500, kept for DynamoDB failures). A value that is not 43 base64url characters
 * is refused on its shape alone: the counted document client must see no DynamoDB call at all. The store is the
 * production wiring on DynamoDB Local, only counted.
 */
type Decision = { isAuthorized: boolean };
let authorizer: ReturnType<typeof createHandler>;
let counter: OperationCounter;
let liveSessionId: string;

beforeAll(async () => {
  const store = instrumentedSessionStore({
    tableName: await createTestTable(),
    dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT!,
    sessionTtlSeconds: 3600,
    sessionMaxAgeSeconds: 86_400,
  });
  counter = store.counter;
  authorizer = createHandler(store.sessions);
  ({ sessionId: liveSessionId } = await store.sessions.create({
    appId: 'wx0000fuzz00000000',
    openid: 'o-fuzz-user',
    sessionKey: 'c2Vzc2lvbmtleQ==',
  }));
});

/** API Gateway puts the header's value in identitySource; the lower-cased header is there too. */
const eventFor = (value: string, where: 'both' | 'header') => {
  const event = authorizerEvent({ sessionId: value });
  return where === 'both' ? event : { ...event, identitySource: [] };
};

describe('X-Session-Id fuzzing, authorizer handler', () => {
  it('denies every malformed value without throwing and without a DynamoDB call', async () => {
    await fc.assert(
      fc.asyncProperty(
        sessionHeaderValue.filter((value) => !SESSION_ID_SHAPE.test(value)),
        fc.constantFrom('both' as const, 'header' as const),
        async (value, where) => {
          counter.reset();
          const decision = (await authorizer(eventFor(value, where))) as Decision;
          expect(decision).toEqual({ isAuthorized: false });
          expect(counter.counts().byOperation).toEqual({});
        }
      ),
      { numRuns: 500 }
    );
  });

  it('denies a value one edit away from a live session id, without a DynamoDB call', async () => {
    expect(await authorizer(eventFor(liveSessionId, 'both'))).toMatchObject({ isAuthorized: true });
    await fc.assert(
      fc.asyncProperty(nearSessionId(fc.constant(liveSessionId)), async (value) => {
        counter.reset();
        expect(await authorizer(eventFor(value, 'both'))).toEqual({ isAuthorized: false });
        expect(counter.counts().byOperation).toEqual({});
      }),
      { numRuns: 100 }
    );
  });

  it('denies a well-formed id nobody was issued after exactly one read and no write', async () => {
    await fc.assert(
      fc.asyncProperty(
        wellFormedSessionId.filter((value) => value !== liveSessionId),
        async (value) => {
          counter.reset();
          expect(await authorizer(eventFor(value, 'both'))).toEqual({ isAuthorized: false });
          expect(counter.counts()).toMatchObject({ reads: 1, writes: 0, byOperation: { GetItem: 1 } });
        }
      ),
      { numRuns: 50 }
    );
  });
});
