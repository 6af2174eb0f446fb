import { describe, expect, it } from 'vitest';
import { LoginError, NetworkError } from '../../../client/src/errors.js';
import { harness } from '../../support/client/harness.js';

describe('auth.login', () => {
  it('trades a wx.login code for a session and keeps it', async () => {
    const { client, clock, storedSessionId } = harness();

    const session = await client.login();

    expect(session).toEqual({ sessionId: 'session-1', expiresAt: new Date(clock.time + 3600_000).toISOString() });
    expect(storedSessionId()).toBe('session-1');
    expect(client.hasSession()).toBe(true);
  });

  it('shares a login already in flight', async () => {
    const { client, wx } = harness();

    const [first, second] = await Promise.all([client.login(), client.login(), client.request({ url: '/me' })]);

    expect(first).toEqual(second);
    expect(wx.loginCalls).toBe(1);
  });

  it.each([
    [401, 'invalid_code'],
    [403, 'user_blocked'],
    [429, 'rate_limited'],
    [503, 'wechat_busy'],
    [502, 'wechat_unavailable'],
    [400, 'bad_request'],
  ] as const)('rejects a %i {error: %s} from POST /login with a LoginError of that code', async (status, error) => {
    const { api, client, wx, storedSessionId } = harness();
    api.script('/login', { statusCode: status, data: { error, message: 'refused' } });

    const failure = await client.request({ url: '/me' }).catch((caught: unknown) => caught);

    expect(failure).toBeInstanceOf(LoginError);
    expect(failure).toMatchObject({ code: error, statusCode: status });
    // A refused login is final for this call: no second wx.login, and the request itself was never sent.
    expect(wx.loginCalls).toBe(1);
    expect(wx.requestsTo('/me')).toHaveLength(0);
    expect(storedSessionId()).toBeUndefined();
  });

  it.each([
    [500, { error: 'internal_error', message: 'Internal server error' }, 'server_error'],
    [504, 'Gateway Timeout', 'server_error'],
    [429, { message: 'Too Many Requests' }, 'rate_limited'],
    [404, { message: 'Not Found' }, 'unexpected_response'],
    [200, '<html>captive portal</html>', 'unexpected_response'],
    [200, { sessionId: 'no-expiry' }, 'unexpected_response'],
  ] as const)('maps a %i answer %j without a known error to %s', async (status, data, code) => {
    const { api, client } = harness();
    api.script('/login', { statusCode: status, data });

    await expect(client.login()).rejects.toMatchObject({ name: 'LoginError', code });
  });

  it('accepts a login answer whose JSON arrived as text', async () => {
    const { api, client } = harness();
    api.script('/login', { statusCode: 200, data: '{"sessionId":"as-text","expiresAt":"2030-01-01T00:00:00.000Z"}' });

    await expect(client.login()).resolves.toEqual({ sessionId: 'as-text', expiresAt: '2030-01-01T00:00:00.000Z' });
  });

  it('rejects with wx_login_failed when wx.login fails, without calling the API', async () => {
    const { client, wx } = harness();
    wx.loginFailure = 'login:fail network';

    await expect(client.request({ url: '/me' })).rejects.toMatchObject({
      code: 'wx_login_failed',
      message: expect.stringContaining('login:fail network'),
    });
    expect(wx.requests).toHaveLength(0);
  });

  it('rejects with a NetworkError when POST /login gets no answer', async () => {
    const { api, client } = harness();
    api.script('/login', 'network_error');

    await expect(client.login()).rejects.toBeInstanceOf(NetworkError);
  });

  it('does not remember a failed login: the next call tries again', async () => {
    const { api, client, wx } = harness();
    api.script('/login', { statusCode: 503, data: { error: 'wechat_busy' } });
    await expect(client.login()).rejects.toMatchObject({ code: 'wechat_busy' });

    await expect(client.login()).resolves.toMatchObject({ sessionId: 'session-1' });
    expect(wx.loginCalls).toBe(2);
  });

  it('allows at most maxLoginsPerMinute logins, then rejects with too_many_logins until the minute has passed', async () => {
    const { client, clock, wx } = harness({ maxLoginsPerMinute: 3 });
    for (let n = 0; n < 3; n += 1) {
      await client.login();
      clock.advance(10_000);
    }

    const refused = await client.login().catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(LoginError);
    expect(refused).toMatchObject({ code: 'too_many_logins', retryAfterMs: 30_000 });
    expect(wx.loginCalls).toBe(3);
    clock.advance(30_000);
    await expect(client.login()).resolves.toMatchObject({ sessionId: 'session-4' });
  });

  it('bounds logins when every request is refused, however often the app retries', async () => {
    const { api, client, wx } = harness({ maxLoginsPerMinute: 2 });
    api.script('/me', ...Array.from({ length: 20 }, () => ({ statusCode: 403, data: { message: 'Forbidden' } })));

    const outcomes: unknown[] = [];
    for (let n = 0; n < 6; n += 1) {
      outcomes.push(
        await client.request({ url: '/me' }).then(
          (r) => r.statusCode,
          (error: LoginError) => error.code
        )
      );
    }

    expect(wx.loginCalls).toBe(2);
    expect(outcomes).toEqual([403, ...Array(5).fill('too_many_logins')]);
  });

  it("sends the mini program's AppID from wx.getAccountInfoSync() with the code", async () => {
    const { api, client, wx } = harness();
    wx.appId = 'wx0123456789abcdef';

    await client.login();

    expect(api.loginBodies).toEqual([{ code: 'alice.1', appId: 'wx0123456789abcdef' }]);
  });

  it('sends the appId option instead when one is given, and no appId where wx cannot tell', async () => {
    const chosen = harness({ appId: 'wxfedcba9876543210' });
    chosen.wx.appId = 'wx0123456789abcdef';
    const unknown = harness();

    await Promise.all([chosen.client.login(), unknown.client.login()]);

    expect(chosen.api.loginBodies).toEqual([{ code: 'alice.1', appId: 'wxfedcba9876543210' }]);
    expect(unknown.api.loginBodies).toEqual([{ code: 'alice.1' }]);
  });

  it('sends the same code again after Retry-After while the server answers 409 login_in_progress', async () => {
    const { api, client, wx } = harness();
    const inProgress = (retryAfter: string) => ({
      statusCode: 409,
      data: { error: 'login_in_progress', message: 'try again shortly' },
      header: { 'Retry-After': retryAfter },
    });
    api.script('/login', inProgress('0'), inProgress('1'));
    const started = Date.now();

    await expect(client.login()).resolves.toMatchObject({ sessionId: 'session-1' });

    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(wx.loginCalls).toBe(1);
    expect(wx.requestsTo('/login').map((request) => request.data)).toEqual([
      { code: 'alice.1' },
      { code: 'alice.1' },
      { code: 'alice.1' },
    ]);
  });

  it('gives up after a few 409s with a LoginError login_in_progress, and maps 429 Retry-After', async () => {
    const { api, client } = harness();
    const busy = { statusCode: 409, data: { error: 'login_in_progress' }, header: { 'Retry-After': '0' } };
    api.script('/login', busy, busy, busy, busy, busy);

    await expect(client.login()).rejects.toMatchObject({ code: 'login_in_progress', statusCode: 409 });
    expect(api.scripted.get('/login')).toHaveLength(1);

    api.scripted.clear();
    api.script('/login', { statusCode: 429, data: { error: 'rate_limited' }, header: { 'Retry-After': '42' } });
    await expect(client.login()).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: 42_000 });
  });

  it('refuses a maxLoginsPerMinute below 1 and a missing baseUrl when the client is created', async () => {
    expect(() => harness({ maxLoginsPerMinute: 0 })).toThrow(TypeError);
    expect(() => harness({ baseUrl: '' })).toThrow(TypeError);
  });
});
