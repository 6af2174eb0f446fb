import { afterEach, describe, expect, it } from 'vitest';
import { createAuthClient } from '../../../client/src/auth-client.js';
import { FakeApi } from '../../support/client/fake-api.js';
import { FakeWx } from '../../support/client/fake-wx.js';
import { BASE_URL, harness, storeSession } from '../../support/client/harness.js';

describe('wx.checkSession', () => {
  afterEach(() => {
    globalThis.wx = undefined;
  });

  it('is asked once per client, before the first request, however many requests follow', async () => {
    const { api, client, clock, wx } = harness();
    api.sessions.set('kept', { code: 'earlier', expiresAt: clock.time + 60_000 });
    storeSession(wx, 'kept', clock.time + 60_000);

    await Promise.all([client.request({ url: '/me' }), client.request({ url: '/me' })]);
    await client.request({ url: '/products' });

    expect(wx.checkSessionCalls).toBe(1);
    expect(wx.loginCalls).toBe(0);
  });

  it('replaces a stored session with a fresh login when the session_key has expired', async () => {
    const { api, client, clock, wx, storedSessionId } = harness();
    api.sessions.set('old-key', { code: 'earlier', expiresAt: clock.time + 60_000 });
    storeSession(wx, 'old-key', clock.time + 60_000);
    wx.sessionKeyValid = false;

    const response = await client.request({ url: '/me' });

    expect(response.statusCode).toBe(200);
    expect(wx.loginCalls).toBe(1);
    // The session tied to the expired session_key is never used again.
    expect(wx.requestsTo('/me').map((request) => request.header['X-Session-Id'])).toEqual(['session-1']);
    expect(storedSessionId()).toBe('session-1');
  });

  it('logs the dropped session out on the server (fire-and-forget) while it is still live there', async () => {
    const { api, client, clock, wx } = harness();
    api.sessions.set('old-key', { code: 'earlier', expiresAt: clock.time + 60_000 });
    storeSession(wx, 'old-key', clock.time + 60_000);
    wx.sessionKeyValid = false;

    const response = await client.request({ url: '/me' });
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(response.statusCode).toBe(200);
    expect(wx.requestsTo('/logout').map((request) => request.header['X-Session-Id'])).toEqual(['old-key']);
    expect(api.sessions.has('old-key')).toBe(false);
    expect([...api.sessions.keys()]).toEqual(['session-1']);
  });

  it('does not wait for that logout, and tells the server nothing about a session already expired', async () => {
    const slow = harness();
    slow.api.sessions.set('old-key', { code: 'earlier', expiresAt: slow.clock.time + 60_000 });
    storeSession(slow.wx, 'old-key', slow.clock.time + 60_000);
    slow.wx.sessionKeyValid = false;
    slow.api.script('/logout', new Promise(() => undefined));
    await expect(slow.client.request({ url: '/me' })).resolves.toMatchObject({ statusCode: 200 });

    const expired = harness();
    storeSession(expired.wx, 'stale', expired.clock.time - 1);
    expired.wx.sessionKeyValid = false;
    await expired.client.request({ url: '/me' });
    expect(expired.wx.requestsTo('/logout')).toHaveLength(0);
  });

  it('treats a wx.checkSession that throws as an expired session_key, and later requests still succeed', async () => {
    const { api, client, clock, wx, storedSessionId } = harness();
    api.sessions.set('old-key', { code: 'earlier', expiresAt: clock.time + 60_000 });
    storeSession(wx, 'old-key', clock.time + 60_000);
    let checks = 0;
    wx.checkSession = () => {
      checks += 1;
      throw new Error('checkSession:fail base library error');
    };

    const first = await client.request({ url: '/me' });
    const later = await client.request({ url: '/me' });

    expect([first.statusCode, later.statusCode]).toEqual([200, 200]);
    // Unknown counts as stale: the old session is replaced by one whose session_key is new, and only once.
    expect(wx.loginCalls).toBe(1);
    expect(wx.requestsTo('/me').map((request) => request.header['X-Session-Id'])).toEqual(['session-1', 'session-1']);
    expect(storedSessionId()).toBe('session-1');
    expect(checks).toBe(1);
  });

  it('asks again on the next request when the first could not reach wx at all', async () => {
    const client = createAuthClient({ baseUrl: BASE_URL });
    await expect(client.request({ url: '/me' })).rejects.toThrow(/No wx API/);
    const fake = new FakeWx({ transport: new FakeApi().transport });
    globalThis.wx = fake;

    const response = await client.request({ url: '/me' });

    expect(response.statusCode).toBe(200);
    expect(fake.checkSessionCalls).toBe(1);
  });

  it('keeps a session that a login saved while the check was pending', async () => {
    const { client, clock, wx } = harness();
    storeSession(wx, 'old-key', clock.time + 60_000);
    wx.sessionKeyValid = false;
    let answerCheck = () => {};
    wx.checkSessionGate = new Promise((resolve) => {
      answerCheck = resolve;
    });

    const request = client.request({ url: '/me' });
    const fresh = await client.login();
    answerCheck();
    await request;

    expect(fresh.sessionId).toBe('session-1');
    expect(wx.loginCalls).toBe(1);
    expect(wx.requestsTo('/me')[0]?.header['X-Session-Id']).toBe('session-1');
  });
});

describe('wxCheckSession', () => {
  it('counts a wx.checkSession that never answers as expired, instead of holding every request forever', async () => {
    const { wxCheckSession } = await import('../../../client/src/wx.js');
    const silent = new FakeWx({ transport: new FakeApi().transport });
    silent.checkSession = () => undefined;
    await expect(wxCheckSession(silent, 20)).resolves.toBe(false);
  });
});
