import type { SessionConfig } from '../runtime/config.js';
import { createDocumentClient } from '../runtime/dynamodb.js';
import { DynamoDbSessionPersistence } from '../sessions/dynamodb-session-persistence.js';
import { SessionPolicy } from '../sessions/session-policy.js';
import { SessionStore } from '../sessions/session-store.js';

interface SessionStoreWiring {
  /** Share a persistence (and its client) with another reader of the same items, as the session_key services do. */
  persistence?: DynamoDbSessionPersistence;
  /** Login only: the most live sessions per user and app (MAX_SESSIONS_PER_USER). */
  maxSessionsPerUser?: number;
  /** The authorizer: the app of sessions from before several apps (the first configured AppID). */
  originalAppId?: string;
}

/** The production wiring of SessionStore: DynamoDB persistence and the configured lifetime and limits. */
const createSessionStore = (config: SessionConfig, wiring: SessionStoreWiring = {}): SessionStore =>
  new SessionStore(
    wiring.persistence ?? new DynamoDbSessionPersistence(createDocumentClient(config), config.tableName),
    new SessionPolicy(config.sessionTtlSeconds, config.sessionMaxAgeSeconds),
    {
      ...(wiring.maxSessionsPerUser !== undefined ? { maxSessionsPerUser: wiring.maxSessionsPerUser } : {}),
      ...(wiring.originalAppId !== undefined ? { originalAppId: wiring.originalAppId } : {}),
    }
  );

export type { SessionStoreWiring };
export { createSessionStore };
