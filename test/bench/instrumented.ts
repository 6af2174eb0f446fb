import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { defaults } from '../../functions/shared/contract/defaults.js';
import { type Clock, systemClock } from '../../functions/shared/runtime/clock.js';
import type { SessionConfig } from '../../functions/shared/runtime/config.js';
import { createDocumentClient } from '../../functions/shared/runtime/dynamodb.js';
import { DynamoDbSessionPersistence } from '../../functions/shared/sessions/dynamodb-session-persistence.js';
import { SessionPolicy } from '../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../functions/shared/sessions/session-store.js';
import { countOperations, type OperationCounter } from './operation-counter.js';

/**
 * The production wiring of the session store (functions/shared/composition-roots/sessions.ts), with two seams a benchmark needs:
 * the document client is counted, and the clock can be moved to replay days of traffic in seconds.
 */
/** The AppID the benchmarks log in to. */
const BENCH_APP_ID = 'wx00000000bench000';

const instrumentedSessionStore = (
  config: SessionConfig,
  clock: Clock = systemClock
): { sessions: SessionStore; counter: OperationCounter; client: DynamoDBDocumentClient } => {
  const client = createDocumentClient(config);
  const counter = countOperations(client);
  const sessions = new SessionStore(
    new DynamoDbSessionPersistence(client, config.tableName),
    new SessionPolicy(config.sessionTtlSeconds, config.sessionMaxAgeSeconds),
    { clock, maxSessionsPerUser: defaults.maxSessionsPerUser, originalAppId: BENCH_APP_ID }
  );
  return { sessions, counter, client };
};

export { BENCH_APP_ID, instrumentedSessionStore };
