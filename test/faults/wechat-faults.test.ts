import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { defaults } from '../../functions/shared/contract/defaults.js';
import { sessionTable } from '../../functions/shared/contract/table.js';
import { sizingOf } from '../../infra/function-sizing.js';
import { createTestTable, testDocumentClient } from '../support/dynamodb.js';
import { httpEvent, lambdaContext } from '../support/events.js';
import { coldStart, type LambdaHandler } from '../support/handlers.js';

/**
 * WeChat misbehaving at the transport level, played by a small HTTP server whose behaviour the login code picks.
 * The real login handler (config from the environment, global fetch) must answer 502 wechat_unavailable within the
 * login Lambda's timeout, and write no session: a session needs WeChat's openid and session_key, which never came.
 */
/** A reply that would log the user in, had it come in time. */
const identity = JSON.stringify({ openid: 'o-late-user', session_key: 'AAAAAAAAAAAAAAAAAAAAAA==' });
const beyondBoundMs = defaults.wechatTimeoutMs + 1500;

const behaviours: Record<string, (res: ServerResponse) => void> = {
  // Answers correctly, but after the client's bound.
  slow: (res) => {
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(identity);
    }, beyondBoundMs);
  },
  // Accepts the request and never answers.
  hang: () => undefined,
  // Sends headers at once, then a body that never finishes.
  trickle: (res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('{"openid":"o-late-user",');
  },
  // An HTML page with 200, as a captive portal or misrouted proxy sends.
  html: (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>');
  },
  // A gateway error page.
  html502: (res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
  },
  // Closes the connection before any response.
  close: (res) => {
    res.socket?.destroy();
  },
  // Closes the connection in the middle of the body.
  cut: (res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(identity.length) });
    res.write(identity.slice(0, 20));
    setTimeout(() => res.socket?.destroy(), 50);
  },
  // 200 with nothing in it.
  empty: (res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end();
  },
};

let server: Server;
let tableName: string;
let login: LambdaHandler;

beforeAll(async () => {
  server = createServer((req, res) => {
    const code = new URL(req.url ?? '/', 'http://wechat').searchParams.get('js_code') ?? '';
    const behaviour = behaviours[code.split('.')[0] ?? ''];
    if (behaviour) return behaviour(res);
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tableName = await createTestTable();
  ({ login } = await coldStart(['login'], {
    TABLE_NAME: tableName,
    WECHAT_APP_ID: 'wx9999000011112222',
    WECHAT_APP_SECRET: 'faults-secret',
    WECHAT_API_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  }));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const loginWith = async (code: string) => {
  const response = (await login(
    httpEvent({ method: 'POST', path: '/login', body: JSON.stringify({ code }) }),
    lambdaContext('login', sizingOf('login').timeoutSeconds * 1000)
  )) as APIGatewayProxyStructuredResultV2;
  return { status: response.statusCode, body: JSON.parse(String(response.body)) as Record<string, unknown> };
};

// Each case may wait out the WeChat bound, so they run side by side; each must end within the login Lambda's timeout.
describe.concurrent('login when WeChat misbehaves', () => {
  const bound = { timeout: sizingOf('login').timeoutSeconds * 1000 };
  for (const [name, description] of [
    ['slow', `answers after ${beyondBoundMs} ms, beyond the ${defaults.wechatTimeoutMs} ms bound`],
    ['hang', 'never answers'],
    ['trickle', 'sends headers, then never finishes the body'],
    ['html', 'answers an HTML page with 200'],
    ['html502', 'answers an HTML 502 page'],
    ['close', 'closes the connection before answering'],
    ['cut', 'closes the connection in the middle of the body'],
    ['empty', 'answers 200 with an empty body'],
  ] as const) {
    it(`answers 502 wechat_unavailable when WeChat ${description}`, bound, async ({ expect }) => {
      const reply = await loginWith(`${name}.1`);
      expect(reply).toEqual({
        status: 502,
        body: { error: 'wechat_unavailable', message: expect.any(String) },
      });
      // The request URL carried the app secret; nothing of it may reach the client.
      expect(JSON.stringify(reply.body)).not.toMatch(/faults-secret|secret=|jscode2session/);
    });
  }
});

describe('after every WeChat fault', () => {
  it('no session or user item was written, even once the slow reply would have arrived', async ({ expect }) => {
    await new Promise((resolve) => setTimeout(resolve, beyondBoundMs - defaults.wechatTimeoutMs));
    const { Items = [] } = await testDocumentClient().send(new ScanCommand({ TableName: tableName }));
    // Only the per-IP login counter, which counts every attempt before WeChat is called (by design).
    const written = Items.map((item) => String(item.pk)).filter(
      (pk) => !pk.startsWith(sessionTable.keyPrefixes.loginLimit)
    );
    expect(written).toEqual([]);
  });
});
