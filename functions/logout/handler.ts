import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createSessionStore } from '../shared/composition-roots/sessions.js';
import { type AuthorizedEvent, callerOf, sessionIdOf } from '../shared/http/caller.js';
import { bodySizeLimit, httpErrors, noContent } from '../shared/http/http.js';
import { readSessionConfig } from '../shared/runtime/config.js';
import type { SessionStore } from '../shared/sessions/session-store.js';
import { MAX_BODY_BYTES, parseLogoutRequest } from './request.js';

/**
 * POST /logout: ends the calling session only (the user's sessions on other devices live on), or, with
 * `{"everywhere": true}`, every session of the user in this app.
 */
const createHandler = (sessions: Pick<SessionStore, 'revoke' | 'revokeAll'>) =>
  middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors())
    .use(bodySizeLimit(MAX_BODY_BYTES))
    .use(parseJsonBodyIfAny())
    .handler(async (event) => {
      const { everywhere } = parseLogoutRequest(event.body);
      const caller = callerOf(event);
      if (everywhere) await sessions.revokeAll(caller, sessionIdOf(event));
      else await sessions.revoke(caller, sessionIdOf(event));
      return noContent();
    });

/** No body is fine here (a plain logout); a body present must be JSON. */
const parseJsonBodyIfAny = () => {
  const parser = httpJsonBodyParser<AuthorizedEvent>({ disableContentTypeCheck: true });
  return {
    before: async (request: Parameters<NonNullable<typeof parser.before>>[0]) => {
      if (typeof request.event.body === 'string' && request.event.body.trim() !== '') await parser.before?.(request);
    },
  };
};

const handler = createHandler(createSessionStore(readSessionConfig()));

export { createHandler, handler };
