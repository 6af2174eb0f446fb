import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbLoginReplayPersistence } from '../login/dynamodb-login-replay-persistence.js';
import { LoginReplay } from '../login/login-replay.js';
import type { TableConfig } from '../runtime/config.js';
import type { SessionStore } from '../sessions/session-store.js';

/**
 * The production wiring of replay-safe login: the records on the session table, the app's AppID as the keys' salt,
 * and the session store to tell whether a replayed session still lives.
 */
const createLoginReplay = (
  client: DynamoDBDocumentClient,
  config: TableConfig,
  appId: string,
  sessions: Pick<SessionStore, 'find'>
): LoginReplay =>
  new LoginReplay(new DynamoDbLoginReplayPersistence(client, config.tableName), {
    appId,
    isLive: async (sessionId) => (await sessions.find(sessionId)) !== undefined,
  });

export { createLoginReplay };
