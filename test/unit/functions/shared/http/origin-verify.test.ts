import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createHandler as createAuthorizer } from '../../../../../functions/authorizer/handler.js';
import { createHandler as createLogin } from '../../../../../functions/login/handler.js';
import {
  ORIGIN_VERIFY_HEADER,
  ORIGIN_VERIFY_STAGE_VARIABLE,
  VIEWER_ADDRESS_HEADER,
} from '../../../../../functions/shared/contract/front-door.js';
import { sourceIpOf } from '../../../../../functions/shared/http/caller.js';
import { cameThroughFrontDoor } from '../../../../../functions/shared/http/origin-verify.js';
import { authorizerEvent, httpEvent, lambdaContext } from '../../../../support/events.js';

const SECRET = 'Zm9vYmFyYmF6cXV4LW9yaWdpbi12ZXJpZnk';
const header = ORIGIN_VERIFY_HEADER.toLowerCase();
const frontDoorStage = { [ORIGIN_VERIFY_STAGE_VARIABLE]: SECRET };

describe('cameThroughFrontDoor', () => {
  it('lets everything through when the stage has no origin-verify variable (front door off)', () => {
    expect(cameThroughFrontDoor({ headers: {} })).toBe(true);
    expect(cameThroughFrontDoor({ headers: { [header]: 'anything' }, stageVariables: null })).toBe(true);
  });

  it('passes a request carrying the stage variable’s value in the origin header', () => {
    expect(cameThroughFrontDoor({ headers: { [header]: SECRET }, stageVariables: frontDoorStage })).toBe(true);
  });

  it.each([
    ['no header', {}],
    ['a wrong value', { [header]: `${SECRET}x` }],
    ['an empty value', { [header]: '' }],
    ['the value under another header', { 'x-origin-verified': SECRET }],
  ])('refuses %s when the front door is on', (_, headers) => {
    expect(cameThroughFrontDoor({ headers, stageVariables: frontDoorStage })).toBe(false);
  });

  it('fails closed on a stage variable that is set but empty', () => {
    expect(
      cameThroughFrontDoor({ headers: { [header]: '' }, stageVariables: { [ORIGIN_VERIFY_STAGE_VARIABLE]: '' } })
    ).toBe(false);
  });
});

describe('the front door check in the functions', () => {
  it('makes the authorizer deny a request that skipped CloudFront without looking the session up', async () => {
    const authorize = vi.fn(async () => ({ openid: 'oUser1', expiresAt: 1 }));
    const handler = createAuthorizer({ authorize } as never);
    const event = { ...authorizerEvent({ sessionId: 'a'.repeat(43) }), stageVariables: frontDoorStage };
    expect(await handler(event)).toEqual({ isAuthorized: false });
    expect(authorize).not.toHaveBeenCalled();
    event.headers = { ...event.headers, [header]: SECRET };
    expect(await handler(event)).toMatchObject({ isAuthorized: true });
  });

  it('makes login answer 403 {"message":"Forbidden"} to a request that skipped CloudFront, before calling WeChat', async () => {
    const exchangeCode = vi.fn();
    const create = vi.fn();
    const login = createLogin({ sessions: { create }, wechat: { exchangeCode } } as never);
    const event: APIGatewayProxyEventV2 = {
      ...httpEvent({ method: 'POST', path: '/login', body: '{"code":"abc"}' }),
      stageVariables: frontDoorStage,
    };
    const response = (await login(event, lambdaContext('login'))) as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body ?? '')).toEqual({ message: 'Forbidden' });
    expect(exchangeCode).not.toHaveBeenCalled();
    expect(create).not.toHaveBeenCalled();
  });
});

describe('the client address behind the front door (sourceIpOf)', () => {
  const viewer = VIEWER_ADDRESS_HEADER.toLowerCase();
  const event = (headers: Record<string, string>, stageVariables?: Record<string, string>) => ({
    ...httpEvent({ method: 'POST', path: '/login', headers }),
    ...(stageVariables ? { stageVariables } : {}),
  });

  it('is the TCP peer API Gateway saw when there is no front door, whatever the headers say', () => {
    const direct = event({ [viewer]: '203.0.113.9' });
    expect(sourceIpOf(direct)).toBe(direct.requestContext.http.sourceIp);
  });

  it("is the viewer address CloudFront's function set, on a request that passed the origin check", () => {
    expect(sourceIpOf(event({ [header]: SECRET, [viewer]: '203.0.113.9' }, frontDoorStage))).toBe('203.0.113.9');
  });

  it('is never taken from a request that failed the origin check: 500, so no limit is skipped', () => {
    expect(() => sourceIpOf(event({ [header]: 'wrong', [viewer]: '203.0.113.9' }, frontDoorStage))).toThrow(
      /no source IP/
    );
    expect(() => sourceIpOf(event({ [header]: SECRET }, frontDoorStage))).toThrow(/no source IP/);
  });
});
