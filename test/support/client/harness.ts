import { type AuthClientOptions, createAuthClient } from '../../../client/src/auth-client.js';
import { FakeApi } from './fake-api.js';
import { FakeWx } from './fake-wx.js';

const BASE_URL = 'https://api.example.com';
const STORAGE_KEY = 'wechat-login:session';

/** A settable clock shared by the fake server and the client, so expiry is tested without waiting. */
class Clock {
  constructor(public time = Date.parse('2026-03-01T08:00:00Z')) {}
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

/** A client on a fake wx whose requests go to the in-memory API. */
const harness = (options: Partial<AuthClientOptions> = {}) => {
  const clock = new Clock();
  const api = new FakeApi();
  api.now = clock.now;
  const wx = new FakeWx({ transport: api.transport });
  const client = createAuthClient({ baseUrl: BASE_URL, wx, now: clock.now, ...options });
  const storedSessionId = (key = STORAGE_KEY): string | undefined => {
    const stored = wx.getStorageSync(key);
    return typeof stored === 'object' && stored !== null ? (stored as { sessionId?: string }).sessionId : undefined;
  };
  return { api, client, clock, storedSessionId, wx };
};

/** Puts a session in storage as a previous launch would have left it. */
const storeSession = (wx: FakeWx, sessionId: string, expiresAt: number, key = STORAGE_KEY): void => {
  wx.setStorageSync(key, { sessionId, expiresAt: new Date(expiresAt).toISOString(), clockOffsetMs: 0 });
};

export { BASE_URL, Clock, harness, STORAGE_KEY, storeSession };
