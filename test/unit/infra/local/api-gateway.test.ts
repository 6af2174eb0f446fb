import { describe, expect, it } from 'vitest';
import { gatewayTime, headersOf, toHttpAnswer } from '../../../../infra/local/api-gateway.js';

describe('payload 2.0 details', () => {
  it("writes requestContext.time in API Gateway's format, in UTC", () => {
    expect(gatewayTime(new Date('2020-03-12T19:03:58.123Z'))).toBe('12/Mar/2020:19:03:58 +0000');
    expect(gatewayTime(new Date('2026-01-02T03:04:05Z'))).toBe('02/Jan/2026:03:04:05 +0000');
  });

  it('joins a header sent several times with commas, lower-cases names and moves cookies to their own field', () => {
    const raw = ['X-Dup', 'a', 'Accept', 'text/html', 'x-dup', 'b, c', 'Cookie', 'k=1; j=2', 'cookie', 'm=3'];
    expect(headersOf(raw)).toEqual({
      headers: { 'x-dup': 'a,b, c', accept: 'text/html' },
      cookies: ['k=1', 'j=2', 'm=3'],
    });
  });

  it("sends a structured answer's cookies as set-cookie headers, one each", () => {
    const answer = toHttpAnswer({
      statusCode: 201,
      headers: { 'content-type': 'text/plain', 'x-n': 3 },
      cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
      body: 'ok',
    });
    expect(answer.statusCode).toBe(201);
    expect(answer.headers).toEqual({
      'content-type': 'text/plain',
      'x-n': '3',
      'set-cookie': ['a=1; Path=/', 'b=2; HttpOnly'],
    });
    expect(answer.body.toString()).toBe('ok');
  });

  it('answers a value without statusCode as a 200 JSON body, and decodes base64 bodies', () => {
    const plain = toHttpAnswer({ items: [1] });
    expect(plain).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect(plain.body.toString()).toBe('{"items":[1]}');
    const binary = toHttpAnswer({
      statusCode: 200,
      body: Buffer.from([0, 255]).toString('base64'),
      isBase64Encoded: true,
    });
    expect([...binary.body]).toEqual([0, 255]);
  });
});
