import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../../functions/products/handler.js';
import type { AuthorizedEvent } from '../../../../functions/shared/http/caller.js';
import { httpEvent, lambdaContext } from '../../../support/events.js';
import { logsDuring } from '../../../support/log-capture.js';

const bodyOf = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? 'null') as unknown[];

describe('GET /products', () => {
  it('answers 200 with the sample list as a JSON array', async () => {
    const event = httpEvent({
      method: 'GET',
      path: '/products',
      authorizerContext: { openid: 'oCaller9', unionid: 'oUnion9', appId: 'wxaaaaaaaaaaaaaaaa' },
    });
    const response = await handler(event, lambdaContext('products'));
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    const body = bodyOf(response);
    expect(Array.isArray(body)).toBe(true);
    expect(body.length).toBeGreaterThan(0);
    for (const product of body) {
      expect(product).toEqual({ id: expect.any(String), name: expect.any(String), priceFen: expect.any(Number) });
    }
  });

  it('reads the caller the authorizer identified, and tags its log line with it', async () => {
    const event = httpEvent({
      method: 'GET',
      path: '/products',
      authorizerContext: { openid: 'oOther', appId: 'wxaaaaaaaaaaaaaaaa' },
    });
    const { lines } = await logsDuring(() => handler(event, lambdaContext('products')));
    const line = lines.map((text) => JSON.parse(text)).find((entry) => entry.message === 'products listed');
    expect(line).toMatchObject({ openid: 'oOther' });
  });

  it('answers 500 internal_error when deployed without the authorizer', async () => {
    const event = httpEvent({ method: 'GET', path: '/products' }) as AuthorizedEvent;
    const response = await handler(event, lambdaContext('products'));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? 'null')).toEqual({ error: 'internal_error', message: 'Internal server error' });
  });
});
