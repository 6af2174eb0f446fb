import { request as httpRequest } from 'node:http';
import type { FakeTransport } from './fake-wx.js';

/**
 * wx.request over node:http, for tests that run in a jsdom environment (miniprogram-simulate): there the global
 * fetch and AbortSignal come from different realms and do not mix. GET data becomes the query string, object data a
 * JSON body; a JSON answer is parsed (dataType 'json'), anything else stays text.
 */
const nodeHttpTransport =
  (timeoutMs = 10_000): FakeTransport =>
  (request) =>
    new Promise((resolve, reject) => {
      const url = new URL(request.url);
      let body: string | undefined;
      if (request.method === 'GET' || request.method === 'HEAD') {
        for (const [name, value] of Object.entries((request.data as object | undefined) ?? {})) {
          url.searchParams.set(name, String(value));
        }
      } else if (request.data !== undefined) {
        body = typeof request.data === 'string' ? request.data : JSON.stringify(request.data);
      }
      const outgoing = httpRequest(
        url,
        { method: request.method, headers: request.header, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let data: unknown = text;
            try {
              data = JSON.parse(text);
            } catch {
              // Not JSON: wx hands the text over as it came.
            }
            const header: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) header[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ statusCode: res.statusCode ?? 0, data, header });
          });
          res.on('error', reject);
        }
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
      outgoing.on('error', reject);
      outgoing.end(body);
    });

export { nodeHttpTransport };
