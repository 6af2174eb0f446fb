import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type AuthorizedEvent, callerOf } from '../shared/caller.js';
import { httpErrors, json } from '../shared/http.js';
import { sampleProducts } from './catalog.js';

/**
 * GET /products: the template for a business Lambda behind the authorizer. The caller's identity comes from
 * `requestContext.authorizer.lambda`; the Lambda never sees or checks the session itself.
 */
const handler = middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>()
  .use(httpErrors())
  .handler(async (event) => {
    const { openid } = callerOf(event);
    return json(200, { openid, products: sampleProducts });
  });

export { handler };
