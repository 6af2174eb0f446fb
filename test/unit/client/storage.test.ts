import { afterEach, describe, expect, it } from 'vitest';
import { createAuthClient } from '../../../client/src/auth-client.js';
import { FakeApi } from '../../support/client/fake-api.js';
import { FakeWx } from '../../support/client/fake-wx.js';
import { BASE_URL, harness, STORAGE_KEY } from '../../support/client/harness.js';

describe('session storage', () => {
  afterEach(() => {
    globalThis.wx = undefined;
  });

  it('keeps the session in wx storage, so a new client (next launch) uses it without logging in', async () => {
    const { api, client, clock, wx } = harness();
    await client.request({ url: '/me' });

    const nextLaunch = createAuthClient({ baseUrl: BASE_URL, wx, now: clock.now });
    await nextLaunch.request({ url: '/me' });

    expect(wx.loginCalls).toBe(1);
    expect(api.sessions.size).toBe(1);
    expect(JSON.parse(wx.storage.get(STORAGE_KEY) ?? '{}')).toMatchObject({ sessionId: 'session-1' });
  });

  it.each([
    ['a string', 'session-1'],
    ['a number', 42],
    ['a partial object', { sessionId: 'x' }],
    ['a bad date', { sessionId: 'x', expiresAt: 'soon', clockOffsetMs: 0 }],
  ])('ignores %s left under the storage key and logs in', async (_case, leftover) => {
    const { client, wx } = harness();
    wx.setStorageSync(STORAGE_KEY, leftover);

    expect(client.hasSession()).toBe(false);
    await client.request({ url: '/me' });

    expect(wx.loginCalls).toBe(1);
    expect(wx.requestsTo('/me')[0]?.header['X-Session-Id']).toBe('session-1');
  });

  it('keeps the session in memory for this launch when wx storage refuses to write', async () => {
    const { client, wx } = harness();
    wx.setStorageSync = () => {
      throw new Error('setStorageSync:fail exceed storage max size 10MB');
    };

    await client.request({ url: '/me' });
    await client.request({ url: '/me' });

    expect(wx.loginCalls).toBe(1);
    expect(client.hasSession()).toBe(true);
  });

  it('uses the global wx when none is injected', async () => {
    const api = new FakeApi();
    const fake = new FakeWx({ transport: api.transport });
    globalThis.wx = fake;

    const response = await createAuthClient({ baseUrl: BASE_URL }).request({ url: '/me' });

    expect(response.statusCode).toBe(200);
    expect(fake.loginCalls).toBe(1);
  });

  it('says so when there is no wx at all', async () => {
    await expect(createAuthClient({ baseUrl: BASE_URL }).request({ url: '/me' })).rejects.toThrow(/No wx API/);
  });
});
