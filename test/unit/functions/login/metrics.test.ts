import { afterEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../../functions/login/handler.js';
import type { MetricName } from '../../../../functions/shared/contract/metrics.js';
import { RateLimiter } from '../../../../functions/shared/limits/rate-limiter.js';
import { useMetricSink } from '../../../../functions/shared/runtime/metrics.js';
import { SessionPolicy } from '../../../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../../../functions/shared/sessions/session-store.js';
import { WeChatApps } from '../../../../functions/shared/wechat/apps.js';
import { WeChatClient } from '../../../../functions/shared/wechat/client.js';
import { httpEvent, lambdaContext } from '../../../support/events.js';
import { fakeFetch, type ScriptedReply } from '../../../support/fakes/fake-fetch.js';
import { InMemoryCounterStore } from '../../../support/fakes/in-memory-counter-store.js';
import { InMemorySessionPersistence } from '../../../support/fakes/in-memory-session-persistence.js';

const NOW_MS = Date.UTC(2026, 0, 1, 8, 0, 0);
const OK = { openid: 'oUser123', session_key: 'c2Vzc2lvbi1rZXktMTY=' };

type Recorded = [MetricName, Record<string, string | undefined>];

/** The login function as production wires it, minus I/O, with every business metric it records captured. */
const setup = (script: ScriptedReply[] = [OK], limit = 5) => {
  const recorded: Recorded[] = [];
  useMetricSink((name, dimensions) => recorded.push([name, { ...dimensions }]));
  const wechat = new WeChatClient({
    appId: 'wx0123456789abcdef',
    appSecret: async () => 'metrics-test-secret',
    busyRetryDelayMs: 1,
    timeoutMs: script.includes('hang') ? 50 : 3000,
    fetch: fakeFetch(...script).fetch,
  });
  const handler = createHandler({
    sessions: new SessionStore(new InMemorySessionPersistence(), new SessionPolicy(3600, 7200), () => NOW_MS),
    apps: new WeChatApps(['wx0123456789abcdef'], () => wechat),
    attempts: new RateLimiter(new InMemoryCounterStore(), { name: 'login', limit, windowSeconds: 60 }, () => NOW_MS),
  });
  const login = (body = '{"code":"a-valid-code"}') =>
    handler(httpEvent({ method: 'POST', path: '/login', body }), lambdaContext('login'));
  return { recorded, login };
};

afterEach(() => useMetricSink(undefined));

describe('login metrics', () => {
  it('counts a successful login, the code2Session call that answered errcode 0, and a new user only the first time', async () => {
    const { recorded, login } = setup([OK, OK]);
    expect((await login()).statusCode).toBe(200);
    expect(recorded).toEqual([
      ['WeChatCall', { api: 'jscode2session', errcode: '0' }],
      ['NewUser', {}],
      ['Login', { outcome: 'success' }],
    ]);
    recorded.length = 0;
    expect((await login('{"code":"another-code"}')).statusCode).toBe(200);
    expect(recorded).toEqual([
      ['WeChatCall', { api: 'jscode2session', errcode: '0' }],
      ['Login', { outcome: 'success' }],
    ]);
  });

  it.each([
    [40029, 'invalid_code'],
    [40163, 'invalid_code'],
    [40226, 'user_blocked'],
    [45011, 'rate_limited'],
    [40013, 'wechat_misconfigured'],
    [40125, 'wechat_misconfigured'],
    [61024, 'wechat_unavailable'],
  ])('counts WeChat’s errcode %i, and the login refused as %s', async (errcode, outcome) => {
    const { recorded, login } = setup([{ errcode, errmsg: 'refused' }]);
    await login();
    expect(recorded).toEqual([
      ['WeChatCall', { api: 'jscode2session', errcode: String(errcode) }],
      ['Login', { outcome }],
    ]);
  });

  it('counts both busy answers (-1) of a retried login, and the login as wechat_busy', async () => {
    const { recorded, login } = setup([{ errcode: -1 }, { errcode: -1 }]);
    await login();
    expect(recorded).toEqual([
      ['WeChatCall', { api: 'jscode2session', errcode: '-1' }],
      ['WeChatCall', { api: 'jscode2session', errcode: '-1' }],
      ['Login', { outcome: 'wechat_busy' }],
    ]);
  });

  it('counts a WeChat that never answered as errcode none', async () => {
    const { recorded, login } = setup(['hang', 'hang']);
    await login();
    expect(recorded).toContainEqual(['WeChatCall', { api: 'jscode2session', errcode: 'none' }]);
    expect(recorded.at(-1)).toEqual(['Login', { outcome: 'wechat_unavailable' }]);
  });

  it('counts a refusal by the per-IP limit, with no WeChat call', async () => {
    const { recorded, login } = setup([OK], 1);
    await login();
    recorded.length = 0;
    expect((await login()).statusCode).toBe(429);
    expect(recorded).toEqual([
      ['RateLimitRefusal', { limit: 'login' }],
      ['Login', { outcome: 'rate_limited' }],
    ]);
  });

  it.each([
    ['that is not JSON', 'not json', 'bad_request'],
    ['without a code', '{}', 'bad_request'],
    ['over 16 KiB', JSON.stringify({ code: 'x'.repeat(20_000) }), 'payload_too_large'],
  ])('counts a body %s, refused before WeChat, as %s', async (_, body, outcome) => {
    const { recorded, login } = setup();
    await login(body);
    expect(recorded).toEqual([['Login', { outcome }]]);
  });
});
