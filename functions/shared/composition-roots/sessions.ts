import type { SessionConfig } from '../runtime/config.js';
import { createDocumentClient } from '../runtime/dynamodb.js';
import { DynamoDbSessionPersistence } from '../sessions/dynamodb-session-persistence.js';
import { SessionPolicy } from '../sessions/session-policy.js';
import { SessionStore } from '../sessions/session-store.js';

/**
 * The production wiring of SessionStore: DynamoDB persistence and the configured lifetime. Pass `persistence` to
 * share it (and its client) with another reader of the same items, as the session_key services do.
 */
const createSessionStore = (
  config: SessionConfig,
  persistence: DynamoDbSessionPersistence = new DynamoDbSessionPersistence(
    createDocumentClient(config),
    config.tableName
  )
): SessionStore =>
  new SessionStore(persistence, new SessionPolicy(config.sessionTtlSeconds, config.sessionMaxAgeSeconds));

export { createSessionStore };
