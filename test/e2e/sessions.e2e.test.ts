import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/http.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/**
 * Several mini programs on one twin (WECHAT_APPS), and a user's sessions under the user's control, over HTTP as a
 * mini program would call it. The stub gives one user a different openid per app and one unionid across them.
 */
const APP_A = 'wxaaaaaaaaaaaaaaaa';
const APP_B = 'wxbbbbbbbbbbbbbbbb';

let twin: RunningTwin;
let stubUrl: string;
let codes = 0;

const loginTo = async (appId: string | undefined, user: string) => {
  codes += 1;
  const body = { code: `${user}.${codes}`, ...(appId !== undefined ? { appId } : {}) };
  return call(twin.baseUrl, 'POST', '/login', { body: JSON.stringify(body) });
};

const sessionOf = async (appId: string, user: string): Promise<string> => {
  const reply = await loginTo(appId, user);
  expect(reply.status).toBe(200);
  return reply.body.sessionId as string;
};

const get = (path: string, sessionId: string) => call(twin.baseUrl, 'GET', path, { sessionId });

interface Listed {
  id: string;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

const listOf = async (sessionId: string): Promise<Listed[]> => {
  const reply = await get('/sessions', sessionId);
  expect(reply.status).toBe(200);
  return reply.body.sessions as Listed[];
};

beforeAll(async () => {
  twin = await startTwin({
    WECHAT_APPS: JSON.stringify({ [APP_A]: 'secret-of-a', [APP_B]: 'secret-of-b' }),
    MAX_SESSIONS_PER_USER: '10',
  });
  stubUrl = /WeChat:\s+(\S+)/.exec(twin.output())?.[1] ?? '';
}, 90_000);

afterAll(async () => {
  await twin?.stop();
});

describe('several mini programs on one deployment', () => {
  it('gives one user a different openid per app, the same unionid, and /me the app of the session', async () => {
    const inA = await get('/me', await sessionOf(APP_A, 'alice'));
    const inB = await get('/me', await sessionOf(APP_B, 'alice'));
    expect(inA.status).toBe(200);
    expect(inA.body.appId).toBe(APP_A);
    expect(inB.body.appId).toBe(APP_B);
    expect(inA.body.openid).not.toBe(inB.body.openid);
    expect(inA.body.unionid).toEqual(expect.any(String));
    expect(inA.body.unionid).toBe(inB.body.unionid);
    expect(Object.keys(inA.body).sort()).toEqual(['appId', 'openid', 'unionid']);
  });

  it('answers 400 bad_request without an appId and 400 unknown_app for one it does not serve', async () => {
    const missing = await loginTo(undefined, 'bob');
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'bad_request', message: expect.any(String) });
    const unknown = await loginTo('wxcccccccccccccccc', 'bob');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'unknown_app', message: expect.any(String) });
  });

  it('says isNewUser true on the first login in each app, then false', async () => {
    expect((await loginTo(APP_A, 'carol')).body.isNewUser).toBe(true);
    expect((await loginTo(APP_A, 'carol')).body.isNewUser).toBe(false);
    expect((await loginTo(APP_B, 'carol')).body.isNewUser).toBe(true);
    expect((await loginTo(APP_B, 'carol')).body.isNewUser).toBe(false);
  });

  it("never decrypts one app's data with a session of another app", async () => {
    const sessionA = await sessionOf(APP_A, 'dave');
    const sessionB = await sessionOf(APP_B, 'dave');
    const openidB = (await get('/me', sessionB)).body.openid as string;
    const encrypted = await (
      await fetch(`${stubUrl}/stub/encrypted-data`, {
        method: 'POST',
        body: JSON.stringify({ openid: openidB, data: { stepInfoList: [{ step: 1 }] } }),
      })
    ).json();
    const body = JSON.stringify(encrypted);
    const inB = await call(twin.baseUrl, 'POST', '/wx/decrypt', { sessionId: sessionB, body });
    expect(inB.status).toBe(200);
    expect((inB.body.watermark as { appid: string }).appid).toBe(APP_B);
    const inA = await call(twin.baseUrl, 'POST', '/wx/decrypt', { sessionId: sessionA, body });
    expect(inA.status).toBe(400);
    expect(inA.body.error).toBe('decrypt_failed');
  });

  it('answers login, /me and /sessions with Cache-Control: no-store', async () => {
    const reply = await loginTo(APP_A, 'erin');
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const sessionId = String(reply.body.sessionId);
    expect((await get('/me', sessionId)).headers.get('cache-control')).toBe('no-store');
    expect((await get('/sessions', sessionId)).headers.get('cache-control')).toBe('no-store');
  });
});

describe("a user's sessions", () => {
  it('lists two sessions newest first, ends one by its handle, then the rest everywhere', async () => {
    const phone = await sessionOf(APP_A, 'frank');
    const tablet = await sessionOf(APP_A, 'frank');
    const elsewhere = await sessionOf(APP_B, 'frank'); // another app: not in this app's list, not ended below

    const listed = await listOf(tablet);
    expect(listed).toHaveLength(2);
    expect(listed.map((session) => session.current)).toEqual([true, false]);
    expect(Date.parse(listed[0]!.createdAt)).toBeGreaterThanOrEqual(Date.parse(listed[1]!.createdAt));
    for (const session of listed) {
      expect(new Date(session.createdAt).toISOString()).toBe(session.createdAt);
      expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
    }

    const ended = await call(twin.baseUrl, 'DELETE', `/sessions/${listed[1]!.id}`, { sessionId: tablet });
    expect(ended.status).toBe(204);
    expect((await get('/me', phone)).status).toBe(403);
    expect((await listOf(tablet)).map((session) => session.id)).toEqual([listed[0]!.id]);
    const again = await call(twin.baseUrl, 'DELETE', `/sessions/${listed[1]!.id}`, { sessionId: tablet });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: 'not_found', message: expect.any(String) });

    const third = await sessionOf(APP_A, 'frank');
    const everywhere = await call(twin.baseUrl, 'POST', '/logout', {
      sessionId: tablet,
      body: JSON.stringify({ everywhere: true }),
    });
    expect(everywhere.status).toBe(204);
    expect((await get('/me', tablet)).status).toBe(403);
    expect((await get('/me', third)).status).toBe(403);
    expect((await get('/me', elsewhere)).status).toBe(200);
  });

  it("answers 404 for a handle of another user's session, and leaves that session alone", async () => {
    const mine = await sessionOf(APP_A, 'gina');
    const theirs = await sessionOf(APP_A, 'hugo');
    const [handle] = await listOf(theirs);
    const attempt = await call(twin.baseUrl, 'DELETE', `/sessions/${handle!.id}`, { sessionId: mine });
    expect(attempt.status).toBe(404);
    expect((await get('/me', theirs)).status).toBe(200);
  });

  it('ends the oldest session at the 11th login', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 11; i += 1) ids.push(await sessionOf(APP_A, 'ivan'));
    expect((await get('/me', ids[0]!)).status).toBe(403);
    for (const sessionId of ids.slice(1)) expect((await get('/me', sessionId)).status).toBe(200);
    expect(await listOf(ids[10]!)).toHaveLength(10);
  }, 60_000);

  it('shows handles that are not session ids and cannot be used as one', async () => {
    const first = await sessionOf(APP_A, 'judy');
    const second = await sessionOf(APP_A, 'judy');
    const handles = (await listOf(second)).map((session) => session.id);
    expect(handles).toHaveLength(2);
    for (const handle of handles) {
      expect([first, second]).not.toContain(handle);
      expect(first).not.toContain(handle);
      expect(second).not.toContain(handle);
      expect((await get('/me', handle)).status).toBe(403);
    }
  });
});
