import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../../functions/me/handler.js';
import type { AuthorizedEvent } from '../../../../functions/shared/http/caller.js';
import { httpEvent, lambdaContext } from '../../../support/events.js';

const SESSION_ID = 'S'.repeat(43);
const APP = 'wxaaaaaaaaaaaaaaaa';
const bodyOf = (response: APIGatewayProxyStructuredResultV2): unknown => JSON.parse(response.body ?? 'null');

describe('GET /me', () => {
  it('answers 200 with openid, unionid and appId from the authorizer context, not to be cached', async () => {
    const event = httpEvent({
      method: 'GET',
      path: '/me',
      headers: { 'X-Session-Id': SESSION_ID },
      authorizerContext: { openid: 'oUser1', unionid: 'oUnion1', appId: APP },
    });
    const response = await handler(event, lambdaContext('me'));
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    expect(bodyOf(response)).toEqual({ openid: 'oUser1', unionid: 'oUnion1', appId: APP });
    expect(response.headers?.['cache-control']).toBe('no-store');
  });

  it('answers without unionid when the session has none', async () => {
    const event = httpEvent({ method: 'GET', path: '/me', authorizerContext: { openid: 'oUser2', appId: APP } });
    expect(bodyOf(await handler(event, lambdaContext('me')))).toEqual({ openid: 'oUser2', appId: APP });
  });

  it('never echoes the session id', async () => {
    const event = httpEvent({
      method: 'GET',
      path: '/me',
      headers: { 'X-Session-Id': SESSION_ID },
      authorizerContext: { openid: 'oUser1', appId: APP },
    });
    expect((await handler(event, lambdaContext('me'))).body).not.toContain(SESSION_ID);
  });

  it('answers 500 internal_error when deployed without the authorizer (a wiring bug, not a user error)', async () => {
    const event = httpEvent({ method: 'GET', path: '/me' }) as AuthorizedEvent;
    const response = await handler(event, lambdaContext('me'));
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({ error: 'internal_error', message: 'Internal server error' });
  });
});
