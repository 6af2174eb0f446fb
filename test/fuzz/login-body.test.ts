import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/login/handler.js';
import { WeChatApps } from '../../functions/shared/wechat/apps.js';
import { WeChatClient } from '../../functions/shared/wechat/client.js';
import { httpEvent, lambdaContext } from '../support/events.js';
import { hostileString } from '../support/fuzz-arbitraries.js';

/**
 * Property: whatever arrives as a login body (any text, any JSON, base64 or not, any Content-Type, any size), the
 * login handler answers a 4xx with the contract's error shape: never a 2xx, never a 5xx. WeChat here refuses every
 * code (errcode 40029), so a body that gets past validation still ends in 401, and no session is ever created.
 */
const APP_SECRET = 'fuzz-app-secret-value';
let sessionsCreated = 0;
let wechatCalls = 0;

const login = () =>
  createHandler({
    // The per-IP limit is not what this property is about (test/unit/functions/login covers it): never refuse.
    attempts: { take: async () => undefined },
    sessions: {
      create: async () => {
        sessionsCreated += 1;
        throw new Error('a session must never be created from garbage');
      },
    },
    apps: new WeChatApps(
      ['wx0000fuzz00000000'],
      (appId) =>
        new WeChatClient({
          appId,
          appSecret: async () => APP_SECRET,
          apiBaseUrl: 'http://wechat.invalid',
          fetch: async () => {
            wechatCalls += 1;
            return new Response(JSON.stringify({ errcode: 40029, errmsg: 'invalid code' }), {
              headers: { 'content-type': 'text/plain' },
            });
          },
        })
    ),
  });

/** Bodies: free text, any JSON, objects whose `code` is anything, oversized and deeply nested documents. */
const bodyText = fc.oneof(
  hostileString,
  fc.json(),
  fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
  fc
    .record(
      {
        code: fc.oneof(fc.jsonValue(), hostileString, fc.string({ unit: 'binary-ascii', maxLength: 200 })),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] }
    )
    .map((body) => JSON.stringify(body)),
  // Codes of plausible shape (and just past the 128-character limit): these reach WeChat, which refuses them.
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 140 }).map((code) => JSON.stringify({ code })),
  fc
    .tuple(fc.integer({ min: 16 * 1024 - 16, max: 64 * 1024 }), fc.constantFrom('a', '中', '😀'))
    .map(([length, char]) => JSON.stringify({ code: char.repeat(length) })),
  fc.integer({ min: 1, max: 8000 }).map((depth) => `{"code":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc.integer({ min: 1, max: 8000 }).map((depth) => '{"code":'.repeat(depth))
);

const loginEvent = fc.record({
  body: fc.option(bodyText, { nil: undefined }),
  isBase64Encoded: fc.boolean(),
  /** When the flag is set: encode the body properly, or send text that is not base64 at all. */
  encodeProperly: fc.boolean(),
  contentType: fc.option(
    fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        ''
      ),
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 })
    ),
    { nil: undefined }
  ),
});

describe('login body fuzzing', () => {
  it('answers every malformed or refused body with a 4xx error and never creates a session', async () => {
    const handler = login();
    await fc.assert(
      fc.asyncProperty(loginEvent, async ({ body, isBase64Encoded, encodeProperly, contentType }) => {
        const sent =
          body !== undefined && isBase64Encoded && encodeProperly ? Buffer.from(body).toString('base64') : body;
        const event = httpEvent({
          method: 'POST',
          path: '/login',
          ...(sent !== undefined ? { body: sent } : {}),
          isBase64Encoded,
          ...(contentType !== undefined ? { headers: { 'content-type': contentType } } : {}),
        });
        const response = (await handler(event, lambdaContext('login'))) as APIGatewayProxyStructuredResultV2;
        const status = response.statusCode ?? 0;
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        const reply = JSON.parse(String(response.body)) as { error?: unknown; message?: unknown };
        expect(typeof reply.error).toBe('string');
        expect(typeof reply.message).toBe('string');
        expect(String(response.body)).not.toContain(APP_SECRET);
      }),
      { numRuns: 400 }
    );
    expect(sessionsCreated).toBe(0);
    // The property reached WeChat too (bodies that pass validation), not only the validator.
    expect(wechatCalls).toBeGreaterThan(0);
  });
});
