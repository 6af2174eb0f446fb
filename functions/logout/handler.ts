import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type AuthorizedEvent, sessionIdOf } from '../shared/caller.js';
import { readSessionConfig } from '../shared/config.js';
import { httpErrors, noContent } from '../shared/http.js';
import type { SessionStore } from '../shared/session-store.js';
import { createSessionStore } from '../shared/sessions.js';

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
