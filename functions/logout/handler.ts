import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createSessionStore } from '../shared/composition-roots/sessions.js';
import { type AuthorizedEvent, sessionIdOf } from '../shared/http/caller.js';
import { httpErrors, noContent } from '../shared/http/http.js';
import { readSessionConfig } from '../shared/runtime/config.js';
import type { SessionStore } from '../shared/sessions/session-store.js';

/** POST /logout: deletes the calling session only; the user's sessions on other devices live on. */
const createHandler = (sessions: Pick<SessionStore, 'revoke'>) =>
  middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors())
    .handler(async (event) => {
      await sessions.revoke(sessionIdOf(event));
      return noContent();
    });

const handler = createHandler(createSessionStore(readSessionConfig()));

export { createHandler, handler };
