import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/products/handler.js';
import type { AuthorizedEvent } from '../../../functions/shared/caller.js';
import { httpEvent, lambdaContext } from '../../support/events.js';

const bodyOf = (response: APIGatewayProxyStructuredResultV2) =>
  JSON.parse(response.body ?? 'null') as { openid: string; products: unknown[] };

describe('GET /products', () => {
  it('answers 200 with the sample list and the caller openid from the authorizer context', async () => {
    const event = httpEvent({
      method: 'GET',
      path: '/products',
      authorizerContext: { openid: 'oCaller9', unionid: 'oUnion9' },
    });
    const response = await handler(event, lambdaContext('products'));
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    const body = bodyOf(response);
    expect(body.openid).toBe('oCaller9');
    expect(body.products.length).toBeGreaterThan(0);
    for (const product of body.products) {
      expect(product).toEqual({ id: expect.any(String), name: expect.any(String), priceFen: expect.any(Number) });
    }
  });

  it('reports whichever caller the authorizer identified', async () => {
    const event = httpEvent({ method: 'GET', path: '/products', authorizerContext: { openid: 'oOther' } });
    expect(bodyOf(await handler(event, lambdaContext('products'))).openid).toBe('oOther');
  });

  it('answers 500 internal_error when deployed without the authorizer', async () => {
    const event = httpEvent({ method: 'GET', path: '/products' }) as AuthorizedEvent;
    const response = await handler(event, lambdaContext('products'));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? 'null')).toEqual({ error: 'internal_error', message: 'Internal server error' });
  });
});
