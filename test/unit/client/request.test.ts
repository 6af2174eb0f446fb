import { describe, expect, it } from 'vitest';
import { NetworkError } from '../../../client/src/errors.js';
import type { FakeResponse } from '../../support/client/fake-wx.js';
import { harness, STORAGE_KEY, storeSession } from '../../support/client/harness.js';

describe('auth.request', () => {
  it('logs in first when no session is stored, then sends the request with X-Session-Id', async () => {
    const { client, wx, storedSessionId } = harness();

    const response = await client.request({ url: '/me' });

    expect(response.statusCode).toBe(200);
    expect(response.data).toEqual({ path: '/me', code: 'alice.1' });
    expect(response.header['Content-Type']).toBe('application/json');
    expect(wx.loginCalls).toBe(1);
    const [login] = wx.requestsTo('/login');
    expect(login).toMatchObject({ method: 'POST', url: 'https://api.example.com/login', data: { code: 'alice.1' } });
    const [me] = wx.requestsTo('/me');
    expect(me?.header['X-Session-Id']).toBe('session-1');
    expect(storedSessionId()).toBe('session-1');
  });

  it('uses a stored session that has not expired without logging in', async () => {
    const { api, client, clock, wx } = harness();
    api.sessions.set('kept', { code: 'earlier', expiresAt: clock.time + 60_000 });
    storeSession(wx, 'kept', clock.time + 60_000);

    const response = await client.request({ url: '/products', method: 'GET', data: { page: 2 } });

    expect(response.statusCode).toBe(200);
    expect(wx.loginCalls).toBe(0);
    expect(wx.requestsTo('/products')[0]).toMatchObject({ data: { page: 2 }, header: { 'X-Session-Id': 'kept' } });
  });

  it('logs in before sending when the stored session has passed its expiresAt', async () => {
    const { client, clock, wx, storedSessionId } = harness();
    storeSession(wx, 'stale', clock.time - 1);

    await client.request({ url: '/me' });

    expect(wx.loginCalls).toBe(1);
    // The expired id was never sent.
    expect(wx.requests.map((request) => request.header['X-Session-Id'])).toEqual([undefined, 'session-1']);
    expect(storedSessionId()).toBe('session-1');
  });

  it('shares one wx.login and one POST /login among 10 concurrent first requests', async () => {
    const { client, wx } = harness();

    const responses = await Promise.all(Array.from({ length: 10 }, () => client.request({ url: '/me' })));

    expect(responses.map((response) => response.statusCode)).toEqual(Array(10).fill(200));
    expect(wx.loginCalls).toBe(1);
    expect(wx.requestsTo('/login')).toHaveLength(1);
    expect(new Set(wx.requestsTo('/me').map((request) => request.header['X-Session-Id']))).toEqual(
      new Set(['session-1'])
    );
  });

  it.each([
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
  ])('drops the session, logs in again and retries once when API Gateway answers %i', async (status, message) => {
    const { api, client, clock, wx, storedSessionId } = harness();
    api.sessions.set('old', { code: 'earlier', expiresAt: clock.time + 60_000 });
    storeSession(wx, 'old', clock.time + 60_000);
    api.script('/me', { statusCode: status, data: { message } });

    const response = await client.request({ url: '/me' });

    expect(response.statusCode).toBe(200);
    expect(wx.loginCalls).toBe(1);
    expect(wx.requestsTo('/me').map((request) => request.header['X-Session-Id'])).toEqual(['old', 'session-1']);
    expect(storedSessionId()).toBe('session-1');
  });

  it.each([
    [403, { error: 'forbidden', message: 'Only shop owners may see this' }],
    [401, { error: 'invalid_code', message: 'The phone code was refused' }],
    [403, '{"error":"forbidden","message":"as text"}'],
  ])(
    'returns a business %i (%j) to the caller untouched: no re-login, no replay, session kept',
    async (status, data) => {
      const { api, client, wx, storedSessionId } = harness();
      await client.request({ url: '/me' });
      api.script('/orders', { statusCode: status, data });

      const response = await client.request({ url: '/orders', method: 'POST', data: { item: 1 } });

      expect(response).toMatchObject({ statusCode: status, data });
      expect(wx.loginCalls).toBe(1);
      expect(wx.requestsTo('/orders')).toHaveLength(1);
      expect(storedSessionId()).toBe('session-1');
      expect(client.hasSession()).toBe(true);
    }
  );

  it('re-logs in when the server forgot the session before its expiresAt', async () => {
    const { api, client, wx } = harness();
    await client.request({ url: '/me' });
    api.forget('session-1');

    const response = await client.request({ url: '/me' });

    expect(response.statusCode).toBe(200);
    expect(wx.loginCalls).toBe(2);
    expect(wx.requestsTo('/me').map((request) => request.header['X-Session-Id'])).toEqual([
      'session-1',
      'session-1',
      'session-2',
    ]);
  });

  it('returns a second denial to the caller instead of logging in again', async () => {
    const { api, client, wx } = harness();
    api.script(
      '/me',
      { statusCode: 403, data: { message: 'Forbidden' } },
      { statusCode: 403, data: { message: 'Forbidden' } }
    );

    const response = await client.request({ url: '/me' });

    expect(response.statusCode).toBe(403);
    expect(wx.loginCalls).toBe(2);
    expect(wx.requestsTo('/me')).toHaveLength(2);
  });

  it('re-logs in once for several requests refused together', async () => {
    const { api, client, clock, wx } = harness();
    storeSession(wx, 'revoked', clock.time + 60_000);

    const responses = await Promise.all(Array.from({ length: 5 }, () => client.request({ url: '/me' })));

    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    expect(wx.loginCalls).toBe(1);
    expect(api.sessions.size).toBe(1);
  });

  it('uses the session another request already got when its own denial arrives late', async () => {
    const { api, client, clock, wx } = harness();
    storeSession(wx, 'revoked', clock.time + 60_000);
    let answerLate = (_response: FakeResponse) => {};
    const late = new Promise<FakeResponse>((resolve) => {
      answerLate = resolve;
    });
    api.script('/me', { statusCode: 403, data: { message: 'Forbidden' } }, late);

    const first = client.request({ url: '/me' });
    const second = client.request({ url: '/me' });
    await expect(first).resolves.toMatchObject({ statusCode: 200 });
    answerLate({ statusCode: 403, data: { message: 'Forbidden' } });

    await expect(second).resolves.toMatchObject({ statusCode: 200 });
    expect(wx.loginCalls).toBe(1);
    expect(wx.requestsTo('/me').map((request) => request.header['X-Session-Id'])).toEqual([
      'revoked',
      'revoked',
      'session-1',
      'session-1',
    ]);
  });

  it.each([500, 502, 503])('returns a %i as it came, keeping the session and not logging in again', async (status) => {
    const { api, client, wx, storedSessionId } = harness();
    await client.request({ url: '/me' });
    api.script('/me', { statusCode: status, data: { message: 'Internal Server Error' } });

    const response = await client.request({ url: '/me' });

    expect(response.statusCode).toBe(status);
    expect(wx.loginCalls).toBe(1);
    expect(storedSessionId()).toBe('session-1');
  });

  it('rejects with a NetworkError when the request gets no answer, keeping the session', async () => {
    const { api, client, wx, storedSessionId } = harness();
    await client.request({ url: '/me' });
    api.script('/me', 'network_error');

    const failure = await client.request({ url: '/me' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NetworkError);
    expect(failure).toMatchObject({ code: 'network_error', errMsg: expect.stringContaining('request:fail') });
    expect(wx.loginCalls).toBe(1);
    expect(storedSessionId()).toBe('session-1');
  });

  it('keeps the caller headers and sends its own session header over any spelling the caller used', async () => {
    const { client, wx } = harness();

    await client.request({ url: 'me', header: { 'x-session-id': 'forged', 'X-Trace': 't-1' } });

    const [me] = wx.requestsTo('/me');
    expect(me?.url).toBe('https://api.example.com/me');
    expect(me?.header).toMatchObject({ 'X-Session-Id': 'session-1', 'X-Trace': 't-1' });
    expect(me?.header).not.toHaveProperty('x-session-id');
  });

  it.each(['https://evil.example/steal', '//evil.example/steal', 'http:evil'])(
    'refuses the absolute url %s so the session id never leaves the API host',
    async (url) => {
      const { client, wx } = harness();

      await expect(client.request({ url })).rejects.toThrow(TypeError);

      expect(wx.requests).toHaveLength(0);
    }
  );

  it('joins a baseUrl that has a stage path and a trailing slash', async () => {
    const { api, client, wx } = harness({ baseUrl: 'https://gw.example.com/prod/' });
    api.script('/prod/login', { statusCode: 200, data: { sessionId: 'staged', expiresAt: '2030-01-01T00:00:00Z' } });
    api.script('/prod/me', { statusCode: 200, data: {} });

    await client.request({ url: '/me' });

    expect(wx.requests.map((request) => request.url)).toEqual([
      'https://gw.example.com/prod/login',
      'https://gw.example.com/prod/me',
    ]);
  });

  it('sends the session in the header named by sessionHeader and stores it under storageKey', async () => {
    const { api, client, wx, storedSessionId } = harness({ sessionHeader: 'X-Auth', storageKey: 'my-app:auth' });
    api.sessionHeader = 'X-Auth';

    await client.request({ url: '/other' });

    expect(wx.requestsTo('/other')[0]?.header['X-Auth']).toBe('session-1');
    expect(storedSessionId('my-app:auth')).toBe('session-1');
    expect(wx.storage.has(STORAGE_KEY)).toBe(false);
  });

  it("judges expiry on the server's clock when the device clock is far ahead", async () => {
    const { api, client, clock, wx } = harness();
    // The phone thinks it is two days later than the server does; sessions last one hour.
    api.now = () => clock.time - 2 * 24 * 3600_000;
    await client.request({ url: '/me' });

    await client.request({ url: '/me' });

    expect(wx.loginCalls).toBe(1);
    expect(client.hasSession()).toBe(true);
  });
});
