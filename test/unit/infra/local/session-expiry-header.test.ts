import { describe, expect, it } from 'vitest';
import { withSessionExpiryHeader } from '../../../../infra/local/session-expiry-header.js';

const EXPIRES = '2026-03-08T08:00:00.000Z';
const answer = (statusCode: number, headers: Record<string, string> = {}) => ({
  statusCode,
  headers,
  body: Buffer.from('{}'),
});

describe("the twin's X-Session-Expires-At mapping", () => {
  it.each([200, 204, 400, 429, 503])("sets the header from the authorizer's expiresAt on a %i", (status) => {
    const mapped = withSessionExpiryHeader(answer(status, { 'content-type': 'application/json' }), {
      openid: 'o',
      expiresAt: EXPIRES,
    });
    expect(mapped.headers).toEqual({ 'content-type': 'application/json', 'X-Session-Expires-At': EXPIRES });
  });

  it('overwrites whatever spelling of the header the Lambda set, as overwrite:header does', () => {
    const mapped = withSessionExpiryHeader(answer(200, { 'x-session-expires-at': 'forged' }), { expiresAt: EXPIRES });
    expect(mapped.headers).toEqual({ 'X-Session-Expires-At': EXPIRES });
  });

  it('leaves open routes (no context) and statuses outside the mapping alone', () => {
    expect(withSessionExpiryHeader(answer(200)).headers).toEqual({});
    expect(withSessionExpiryHeader(answer(302), { expiresAt: EXPIRES }).headers).toEqual({});
    expect(withSessionExpiryHeader(answer(200), { openid: 'o' }).headers).toEqual({});
  });
});
