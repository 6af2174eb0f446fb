import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createSessionStore } from '../shared/composition-roots/sessions.js';
import { type AuthorizedEvent, callerOf } from '../shared/http/caller.js';
import { httpErrors, noContent } from '../shared/http/http.js';
import { readSessionConfig } from '../shared/runtime/config.js';
import type { SessionStore } from '../shared/sessions/session-store.js';

/**
 * DELETE /sessions/{id}: ends one of the caller's sessions (another device, say) by the handle GET /sessions showed.
 * 404 `not_found` for a handle that is not one of the caller's live sessions.
 */
const createHandler = (sessions: Pick<SessionStore, 'end'>) =>
  middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors())
    .handler(async (event) => {
      await sessions.end(callerOf(event), event.pathParameters?.id);
      return noContent();
    });

const handler = createHandler(createSessionStore(readSessionConfig()));

export { createHandler, handler };
