import { describe, expect, it } from 'vitest';
import { harness, storeSession } from './harness.js';

describe('wx.checkSession', () => {
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
