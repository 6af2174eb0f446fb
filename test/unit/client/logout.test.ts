import { describe, expect, it } from 'vitest';
import { harness } from '../../support/client/harness.js';

describe('auth.logout', () => {
  it('ends the session on the server with POST /logout and forgets it locally', async () => {
    const { api, client, wx, storedSessionId } = harness();
    await client.request({ url: '/me' });

    await expect(client.logout()).resolves.toBe(true);

    expect(wx.requestsTo('/logout')).toEqual([
      expect.objectContaining({ method: 'POST', header: expect.objectContaining({ 'X-Session-Id': 'session-1' }) }),
    ]);
    expect(api.sessions.size).toBe(0);
    expect(storedSessionId()).toBeUndefined();
    expect(client.hasSession()).toBe(false);
  });

  it.each([
    ['gets no answer', 'network_error' as const],
    ['fails on the server', { statusCode: 500, data: { message: 'Internal Server Error' } }],
  ])('clears storage even when POST /logout %s, and says the server was not told', async (_case, answer) => {
    const { api, client, storedSessionId } = harness();
    await client.request({ url: '/me' });
    api.script('/logout', answer);

    await expect(client.logout()).resolves.toBe(false);

    expect(storedSessionId()).toBeUndefined();
    expect(client.hasSession()).toBe(false);
  });

  it('calls nothing when there is no session', async () => {
    const { client, wx } = harness();

    await expect(client.logout()).resolves.toBe(false);

    expect(wx.requests).toHaveLength(0);
  });

  it('waits for a login in flight and ends that session too', async () => {
    const { api, client, storedSessionId } = harness();

    const login = client.login();
    const loggedOut = await client.logout();

    await expect(login).resolves.toMatchObject({ sessionId: 'session-1' });
    expect(loggedOut).toBe(true);
    expect(api.sessions.size).toBe(0);
    expect(storedSessionId()).toBeUndefined();
  });

  it('logs in afresh on the next request after a logout', async () => {
    const { client, wx } = harness();
    await client.request({ url: '/me' });
    await client.logout();

    await client.request({ url: '/me' });

    expect(wx.loginCalls).toBe(2);
    expect(wx.requestsTo('/me').at(-1)?.header['X-Session-Id']).toBe('session-2');
  });
});
