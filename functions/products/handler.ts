import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type AuthorizedEvent, callerOf } from '../shared/http/caller.js';
import { httpErrors, json } from '../shared/http/http.js';
import { logger } from '../shared/runtime/logger.js';
import { sampleProducts } from './catalog.js';

/**
 * GET /products: the template for a business Lambda behind the authorizer. The caller's identity comes from
 * `requestContext.authorizer.lambda` (callerOf); the Lambda never sees or checks the session itself. A real
 * catalogue would personalise by openid; the sample answers the list and tags its log line with who asked.
 */
const handler = middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>()
  .use(httpErrors())
  .handler(async (event) => {
    const { openid } = callerOf(event);
    logger.info('products listed', { openid, count: sampleProducts.length });
    return json(200, sampleProducts);
  });

export { handler };
