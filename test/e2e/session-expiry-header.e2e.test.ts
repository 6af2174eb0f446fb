import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouteDefinition, routeKeyOf, routes } from '../../functions/shared/contract/routes.js';
import { SESSION_EXPIRES_HEADER } from '../../functions/shared/contract/session-expiry.js';
import { call, type HttpReply, login, sessionIdOf } from '../support/http.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/**
 * X-Session-Expires-At over real HTTP against the twin (`npm start`): every protected 2xx answer carries the
 * session's expiry, and a renewal moves it forward. On `shortTwin` sessions idle out after 6 s, so a renewal is due
 * 3 s in; `twin` keeps the default lifetime, so a slow machine cannot expire a session mid-test.
 */
const TTL_SECONDS = 6;
let twin: RunningTwin;
let shortTwin: RunningTwin;

beforeAll(async () => {
  [twin, shortTwin] = await Promise.all([startTwin(), startTwin({ SESSION_TTL_SECONDS: String(TTL_SECONDS) })]);
});

afterAll(async () => {
  await Promise.all([twin?.stop(), shortTwin?.stop()]);
});

const stubUrl = (): string => {
  const found = twin.output().match(/WeChat:\s+(http:\/\/\S+)/);
  if (!found?.[1]) throw new Error(`the twin printed no WeChat stub URL:\n${twin.output()}`);
  return found[1];
};

const loggedIn = async (code: string): Promise<{ sessionId: string; expiresAt: string }> => {
  const reply = await login(twin.baseUrl, code);
  expect(reply.status).toBe(200);
  return { sessionId: sessionIdOf(reply), expiresAt: String(reply.body.expiresAt) };
};

const json = (body: unknown) => ({ body: JSON.stringify(body) });

/** A request that succeeds (2xx) on each protected route, for the user whose session is `sessionId`. */
const successfulRequests: Record<string, (sessionId: string, user: string) => Promise<HttpReply>> = {
  'GET /me': (sessionId) => call(twin.baseUrl, 'GET', '/me', { sessionId }),
  'GET /products': (sessionId) => call(twin.baseUrl, 'GET', '/products', { sessionId }),
  'GET /wx/session-key/status': (sessionId) => call(twin.baseUrl, 'GET', '/wx/session-key/status', { sessionId }),
  'POST /wx/verify': (sessionId) =>
    call(twin.baseUrl, 'POST', '/wx/verify', { sessionId, ...json({ rawData: '{}', signature: '0'.repeat(40) }) }),
  'POST /wx/phone': (sessionId, user) =>
    call(twin.baseUrl, 'POST', '/wx/phone', { sessionId, ...json({ code: `${user}.p1` }) }),
  'POST /wx/decrypt': async (sessionId) => {
    const { openid } = (await call(twin.baseUrl, 'GET', '/me', { sessionId })).body;
    const encrypted = await fetch(`${stubUrl()}/stub/encrypted-data`, {
      method: 'POST',
      body: JSON.stringify({ openid }),
    });
    return call(twin.baseUrl, 'POST', '/wx/decrypt', { sessionId, body: await encrypted.text() });
  },
  'GET /sessions': (sessionId) => call(twin.baseUrl, 'GET', '/sessions', { sessionId }),
  'DELETE /sessions/{id}': async (sessionId, user) => {
    await loggedIn(`${user}.other-device`);
    const listed = (await call(twin.baseUrl, 'GET', '/sessions', { sessionId })).body as {
      sessions: { id: string; current: boolean }[];
    };
    const other = listed.sessions.find((session) => !session.current);
    return call(twin.baseUrl, 'DELETE', `/sessions/${encodeURIComponent(other?.id ?? 'none')}`, { sessionId });
  },
  'POST /logout': (sessionId) => call(twin.baseUrl, 'POST', '/logout', { sessionId }),
};

const expiryOf = (reply: HttpReply): number => Date.parse(reply.headers.get(SESSION_EXPIRES_HEADER) ?? '');

describe('X-Session-Expires-At on the twin', () => {
  it('is on every protected 2xx answer: the session expiry, ISO-8601 UTC', async () => {
    const protectedRoutes: RouteDefinition[] = routes.filter((route) => route.authorized);
    const missing = protectedRoutes.map(routeKeyOf).filter((key) => !(key in successfulRequests));
    expect(missing, 'add a request that succeeds on each new protected route').toEqual([]);
    // Logout last: it ends the session the others use.
    const ordered = [...protectedRoutes].sort((a, b) => Number(a.path === '/logout') - Number(b.path === '/logout'));
    const { sessionId, expiresAt } = await loggedIn('header.1');

    for (const route of ordered) {
      const reply = await successfulRequests[routeKeyOf(route)]!(sessionId, 'header');
      const header = reply.headers.get(SESSION_EXPIRES_HEADER);
      expect(reply.status, routeKeyOf(route)).toBeGreaterThanOrEqual(200);
      expect(reply.status, routeKeyOf(route)).toBeLessThan(300);
      expect(header, routeKeyOf(route)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // The login's expiry or a later one (a renewal may land while the requests run).
      expect(expiryOf(reply), routeKeyOf(route)).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    }
  });

  it('is on a business error answer too, and never on API Gateway’s own denials or on login', async () => {
    const { sessionId, expiresAt } = await loggedIn('header.2');
    const refused = await call(twin.baseUrl, 'POST', '/wx/decrypt', { sessionId, body: '{}' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get(SESSION_EXPIRES_HEADER)).toBe(expiresAt);

    const loginReply = await login(twin.baseUrl, 'header.3');
    const denied = await call(twin.baseUrl, 'GET', '/me', { sessionId: 'A'.repeat(43) });
    const noSession = await call(twin.baseUrl, 'GET', '/me');
    expect([loginReply.status, denied.status, noSession.status]).toEqual([200, 403, 401]);
    for (const reply of [loginReply, denied, noSession]) expect(reply.headers.has(SESSION_EXPIRES_HEADER)).toBe(false);
  });

  it('moves forward when a request renews the session, and stays put while no renewal is due', async () => {
    const reply = await login(shortTwin.baseUrl, 'header.4');
    const { sessionId, expiresAt } = reply.body as { sessionId: string; expiresAt: string };
    const first = await call(shortTwin.baseUrl, 'GET', '/me', { sessionId });
    expect(first.headers.get(SESSION_EXPIRES_HEADER)).toBe(expiresAt);

    // A renewal is due once half the idle window is left.
    await sleep(Date.parse(expiresAt) - (TTL_SECONDS / 2) * 1000 - Date.now() + 200);
    const renewedAfter = Math.floor(Date.now() / 1000) * 1000;
    const renewed = await call(shortTwin.baseUrl, 'GET', '/me', { sessionId });
    const again = await call(shortTwin.baseUrl, 'GET', '/products', { sessionId });

    expect(renewed.status).toBe(200);
    expect(expiryOf(renewed)).toBeGreaterThan(Date.parse(expiresAt));
    expect(expiryOf(renewed)).toBeGreaterThanOrEqual(renewedAfter + TTL_SECONDS * 1000);
    expect(again.headers.get(SESSION_EXPIRES_HEADER)).toBe(renewed.headers.get(SESSION_EXPIRES_HEADER));
  });
});
