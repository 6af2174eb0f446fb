import type { SessionConfig } from './config.js';
import { createDocumentClient } from './dynamodb.js';
import { DynamoDbSessionPersistence } from './dynamodb-session-persistence.js';
import { SessionPolicy } from './session-policy.js';
import { SessionStore } from './session-store.js';

/** The production wiring of SessionStore: DynamoDB persistence and the configured lifetime. */
const createSessionStore = (config: SessionConfig): SessionStore =>
  new SessionStore(
    new DynamoDbSessionPersistence(createDocumentClient(config), config.tableName),
    new SessionPolicy(config.sessionTtlSeconds, config.sessionMaxAgeSeconds)
  );

export { createSessionStore };
