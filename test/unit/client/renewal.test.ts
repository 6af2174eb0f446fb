import { describe, expect, it } from 'vitest';
import { harness, STORAGE_KEY } from '../../support/client/harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The client's stored record, as a later launch would read it. */
const stored = (wx: ReturnType<typeof harness>['wx']) =>
  wx.getStorageSync(STORAGE_KEY) as { sessionId: string; expiresAt: string; clockOffsetMs: number };

describe('following the server’s sliding renewals (X-Session-Expires-At)', () => {
  it('never calls wx.login again for a session used every few minutes for longer than two idle windows', async () => {
    // Sessions idle out after 1 hour on the server, renewed once half of that is left.
    const { api, client, clock, wx } = harness();
    await client.request({ url: '/me' });
    for (let elapsed = 0; elapsed < 2.5 * HOUR; elapsed += 7 * MINUTE) {
      clock.advance(7 * MINUTE);
      expect((await client.request({ url: '/me' })).statusCode).toBe(200);
    }

    expect(wx.loginCalls).toBe(1);
    expect(new Set(wx.requestsTo('/me').map((request) => request.header['X-Session-Id']))).toEqual(
      new Set(['session-1'])
    );
    // The stored expiry is the server's, renewed along the way, not the one login gave.
    expect(Date.parse(stored(wx).expiresAt)).toBe(api.sessions.get('session-1')?.expiresAt);
    expect(Date.parse(stored(wx).expiresAt)).toBeGreaterThan(clock.time + 0.5 * HOUR - 1);
  });

  it('keeps the later expiry when an older answer arrives after a newer one', async () => {
    const { api, client, wx } = harness();
    await client.request({ url: '/me' });
    const later = new Date(Date.parse(stored(wx).expiresAt) + HOUR).toISOString();
    api.script('/me', { statusCode: 200, data: {}, header: { 'x-session-expires-at': later } });
    await client.request({ url: '/me' });
    api.script('/me', { statusCode: 200, data: {}, header: { 'X-Session-Expires-At': '2020-01-01T00:00:00.000Z' } });
    await client.request({ url: '/me' });

    expect(stored(wx).expiresAt).toBe(later);
  });

  it('still logs in again once the session has really idled out on the server', async () => {
    const { client, clock, wx } = harness();
    await client.request({ url: '/me' });
    clock.advance(HOUR + 1);

    await client.request({ url: '/me' });

    expect(wx.loginCalls).toBe(2);
    // The dead session was never sent: the client knew it had expired.
    expect(wx.requestsTo('/me').map((request) => request.header['X-Session-Id'])).toEqual(['session-1', 'session-2']);
  });
});

describe.each([
  ['a day ahead of', DAY],
  ['a day behind', -DAY],
])('a phone clock %s the server', (_case, phoneAheadBy) => {
  const skewed = () => {
    const setup = harness();
    // The server's clock is the true one; the phone's reads `phoneAheadBy` more.
    setup.api.now = () => setup.clock.time - phoneAheadBy;
    return setup;
  };

  it('does not log in early: continuous use over two idle windows needs one login', async () => {
    const { client, clock, wx } = skewed();
    await client.request({ url: '/me' });
    for (let elapsed = 0; elapsed < 2.5 * HOUR; elapsed += 10 * MINUTE) {
      clock.advance(10 * MINUTE);
      await client.request({ url: '/me' });
    }

    expect(wx.loginCalls).toBe(1);
    expect(client.hasSession()).toBe(true);
    expect(stored(wx).clockOffsetMs).toBe(-phoneAheadBy);
  });

  it('does not use a dead session: after an idle hour it logs in before sending anything', async () => {
    const { client, clock, wx } = skewed();
    await client.request({ url: '/me' });
    clock.advance(HOUR);

    expect(client.hasSession()).toBe(false);
    await client.request({ url: '/me' });

    expect(wx.loginCalls).toBe(2);
    expect(wx.requestsTo('/me').map((request) => request.header['X-Session-Id'])).toEqual(['session-1', 'session-2']);
  });
});
