import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_ID_SHAPE, sessionHeaderValue } from '../support/fuzz-arbitraries.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/**
 * The same property over HTTP, through the twin (`npm start`): any X-Session-Id on a protected route gets a 4xx,
 * never a 2xx and never a 5xx. Neither fetch nor node:http will send a header value outside ISO-8859-1 (both throw
 * before sending), so requests are written as raw bytes on a socket: the value goes out UTF-8 or Latin-1 encoded,
 * control characters and all, as a broken client or a hostile one could send it.
 */
let twin: RunningTwin;

beforeAll(async () => {
  twin = await startTwin();
});
afterAll(async () => {
  await twin?.stop();
});

/** Sends one request with the given header bytes and resolves with the status code of the first response. */
const statusFor = (route: string, headerValue: Buffer): Promise<number> =>
  new Promise((resolve, reject) => {
    const url = new URL(twin.baseUrl);
    const socket = connect(Number(url.port), url.hostname);
    let received = Buffer.alloc(0);
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error(`no answer within 10 s for ${JSON.stringify(headerValue.toString('latin1'))}`));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(received.toString('latin1'));
      if (status) {
        resolve(Number(status[1]));
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed without an answer: ${received.toString('latin1')}`)));
    socket.write(
      Buffer.concat([
        Buffer.from(`${route} HTTP/1.1\r\nHost: ${url.host}\r\nX-Session-Id: `, 'latin1'),
        headerValue,
        Buffer.from('\r\nConnection: close\r\n\r\n', 'latin1'),
      ])
    );
  });

describe('X-Session-Id fuzzing over HTTP, through the local twin', () => {
  it('answers every malformed header value with a 4xx', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        sessionHeaderValue.filter((value) => !SESSION_ID_SHAPE.test(value.trim())),
        fc.constantFrom('utf8' as const, 'latin1' as const),
        fc.constantFrom('GET /me', 'GET /products', 'POST /logout'),
        async (value, encoding, route) => {
          const status = await statusFor(route, Buffer.from(value, encoding));
          seen.add(status);
          expect(status).toBeGreaterThanOrEqual(400);
          expect(status).toBeLessThan(500);
        }
      ),
      { numRuns: 150 }
    );
    // The authorizer itself was reached (403), not only the HTTP parser (400) or the gateway's empty-header check (401).
    expect(seen).toContain(403);
  });
});
