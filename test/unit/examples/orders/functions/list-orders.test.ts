import { describe, expect, it } from 'vitest';
import { handler } from '../../../../../examples/orders/functions/list-orders.js';
import { httpEvent } from '../../../../support/events.js';

describe('examples/orders/functions/list-orders.ts', () => {
  it('answers 200 with the caller openid from requestContext.authorizer.lambda and their orders', async () => {
    const event = httpEvent({
      method: 'GET',
      path: '/orders',
      authorizerContext: { openid: 'oCaller123456', appId: 'wxaaaaaaaaaaaaaaaa' },
    });
    const result = await handler(event);
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body ?? '') as { openid: string; orders: unknown[] };
    expect(body.openid).toBe('oCaller123456');
    expect(Array.isArray(body.orders)).toBe(true);
    expect(body.orders.length).toBeGreaterThan(0);
  });

  it('answers 500 (a wiring bug) when the route reached it without the authorizer context', async () => {
    const { requestContext, ...rest } = httpEvent({ method: 'GET', path: '/orders' });
    const result = await handler({ ...rest, requestContext: { ...requestContext, authorizer: { lambda: {} } } });
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body ?? '')).toMatchObject({ error: 'internal_error' });
  });
});
