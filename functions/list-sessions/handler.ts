import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createSessionStore } from '../shared/composition-roots/sessions.js';
import { type AuthorizedEvent, callerOf, sessionIdOf } from '../shared/http/caller.js';
import { httpErrors, json } from '../shared/http/http.js';
import { readSessionConfig } from '../shared/runtime/config.js';
import type { SessionStore } from '../shared/sessions/session-store.js';

/** GET /sessions: the caller's live sessions in this app, newest first, by handle (never a session id). */
const createHandler = (sessions: Pick<SessionStore, 'list'>) =>
  middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors())
    .handler(async (event) => {
      const listed = await sessions.list(callerOf(event), sessionIdOf(event));
      return json(200, {
        sessions: listed.map((session) => ({
          id: session.handle,
          createdAt: session.createdAt.toISOString(),
          expiresAt: session.expiresAt.toISOString(),
          current: session.current,
        })),
      });
    });

const handler = createHandler(createSessionStore(readSessionConfig()));

export { createHandler, handler };
