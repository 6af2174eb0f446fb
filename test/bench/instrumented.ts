import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
const instrumentedSessionStore = (
  config: SessionConfig,
  clock: Clock = systemClock
): { sessions: SessionStore; counter: OperationCounter; client: DynamoDBDocumentClient } => {
  const client = createDocumentClient(config);
  const counter = countOperations(client);
  const sessions = new SessionStore(
    new DynamoDbSessionPersistence(client, config.tableName),
    new SessionPolicy(config.sessionTtlSeconds, config.sessionMaxAgeSeconds),
    clock
  );
  return { sessions, counter, client };
};

export { instrumentedSessionStore };
