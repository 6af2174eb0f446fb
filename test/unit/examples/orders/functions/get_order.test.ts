import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../../infra/bundling.js';
import { httpEvent } from '../../../../support/events.js';

/**
 * The Python example handler run the way Lambda's Python runtime runs it: the file imported as a module, `handler`
 * called with the payload 2.0 event (as JSON-decoded data) and a context, the result JSON-encoded. Run with this
 * machine's python3 (3.11, older than Lambda's runtimes: the file must stay within 3.11 syntax).
 */
const FUNCTIONS_DIR = path.join(repoRoot, 'examples/orders/functions');
const RUNNER = [
  'import json, sys',
  `sys.path.insert(0, ${JSON.stringify(FUNCTIONS_DIR)})`,
  'import get_order',
  'print(json.dumps(get_order.handler(json.load(sys.stdin), None)))',
].join('\n');

interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const invoke = (event: unknown): ProxyResult => {
  const run = spawnSync('python3', ['-I', '-B', '-c', RUNNER], { input: JSON.stringify(event), encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as ProxyResult;
};

const OPENID = 'oAbCdEfGh1234567890';

const orderEvent = (
  id: string | undefined,
  authorizerContext = { openid: OPENID, unionid: 'uXyZ', appId: 'wxaaaaaaaaaaaaaaaa' }
) => ({
  ...httpEvent({ method: 'GET', path: `/orders/${id ?? ''}`, authorizerContext }),
  routeKey: 'GET /orders/{id}',
  ...(id !== undefined ? { pathParameters: { id } } : {}),
});

describe('examples/orders/functions/get_order.py under python3', () => {
  it('answers 200 with the path id and the caller openid from requestContext.authorizer.lambda', () => {
    const result = invoke(orderEvent('A-42'));
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toBe('application/json');
    expect(JSON.parse(result.body)).toEqual({ id: 'A-42', openid: OPENID });
  });

  it('reads the caller from the authorizer context, never from the X-Session-Id header', () => {
    const event = orderEvent('7', { openid: 'oOtherUser', unionid: 'u', appId: 'wxaaaaaaaaaaaaaaaa' });
    event.headers['x-session-id'] = 'a'.repeat(64);
    expect(JSON.parse(invoke(event).body)).toEqual({ id: '7', openid: 'oOtherUser' });
  });

  it('answers a JSON 404 when the path has no id', () => {
    const result = invoke(orderEvent(undefined));
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'not_found' });
  });

  it('answers 500 (a wiring bug) when the route reached it without the authorizer context', () => {
    const { requestContext, ...rest } = orderEvent('1');
    const { authorizer: _, ...withoutAuthorizer } = requestContext;
    const result = invoke({ ...rest, requestContext: withoutAuthorizer });
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'internal_error' });
  });

  it('exposes handler(event, context) in module get_order, as the handler setting get_order.handler names it', () => {
    const run = spawnSync(
      'python3',
      [
        '-I',
        '-B',
        '-c',
        `import inspect, sys; sys.path.insert(0, ${JSON.stringify(FUNCTIONS_DIR)}); import get_order; print(list(inspect.signature(get_order.handler).parameters))`,
      ],
      { encoding: 'utf8' }
    );
    expect(run.stdout.trim()).toBe("['event', 'context']");
  });
});
