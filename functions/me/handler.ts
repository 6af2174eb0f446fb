import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type AuthorizedEvent, callerOf } from '../shared/http/caller.js';
import { httpErrors, json } from '../shared/http/http.js';

/** GET /me: who the session belongs to, straight from the authorizer's context (no table read). */
const handler = middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>()
  .use(httpErrors())
  .handler(async (event) => json(200, callerOf(event)));

export { handler };
