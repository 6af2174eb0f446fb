import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../../functions/logout/handler.js';
import { hashSessionId } from '../../../../functions/shared/sessions/session-id.js';
import { SessionPolicy } from '../../../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../../../functions/shared/sessions/session-store.js';
import { httpEvent, lambdaContext } from '../../../support/events.js';
import { InMemorySessionPersistence } from '../../../support/fakes/in-memory-session-persistence.js';

const APP = 'wxaaaaaaaaaaaaaaaa';
const identity = { appId: APP, openid: 'oUser1', sessionKey: 'c2Vzc2lvbi1rZXktMTY=' };

let persistence: InMemorySessionPersistence;
let sessions: SessionStore;
let logout: ReturnType<typeof createHandler>;

const logoutEvent = (sessionId: string, body?: string) =>
  httpEvent({
    method: 'POST',
    path: '/logout',
    headers: { 'X-Session-Id': sessionId },
    authorizerContext: { openid: identity.openid, appId: APP },
    ...(body !== undefined ? { body } : {}),
  });

beforeEach(() => {
  persistence = new InMemorySessionPersistence();
  sessions = new SessionStore(persistence, new SessionPolicy(1000, 10_000), { originalAppId: APP });
  logout = createHandler(sessions);
});

describe('POST /logout', () => {
  it('answers 204 with no body and revokes the session named by X-Session-Id', async () => {
    const { sessionId } = await sessions.create(identity);
    const response = await logout(logoutEvent(sessionId), lambdaContext('logout'));
    expect(response.statusCode).toBe(204);
    expect(response.body ?? '').toBe('');
    expect(persistence.records.has(hashSessionId(sessionId))).toBe(false);
    expect(await sessions.authorize(sessionId)).toBeUndefined();
  });

  it('leaves the same user signed in on other devices', async () => {
    const phone = await sessions.create(identity);
    const tablet = await sessions.create(identity);
    await logout(logoutEvent(phone.sessionId), lambdaContext('logout'));
    expect(await sessions.authorize(tablet.sessionId)).toEqual({
      openid: 'oUser1',
      appId: APP,
      expiresAt: expect.any(Number),
    });
  });

  it('answers 204 again for a session already gone (idempotent)', async () => {
    const { sessionId } = await sessions.create(identity);
    await logout(logoutEvent(sessionId), lambdaContext('logout'));
    expect((await logout(logoutEvent(sessionId), lambdaContext('logout'))).statusCode).toBe(204);
  });

  it('answers 500, not 204, when the delete fails: the client must not believe it is logged out', async () => {
    const { sessionId } = await sessions.create(identity);
    persistence.failWith = new Error('storage down');
    const response = await logout(logoutEvent(sessionId), lambdaContext('logout'));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? 'null')).toEqual({ error: 'internal_error', message: 'Internal server error' });
  });

  it.each([['{}'], ['{"everywhere":false}'], ['']])('ends only the calling session with the body %j', async (body) => {
    const phone = await sessions.create(identity);
    const tablet = await sessions.create(identity);
    expect((await logout(logoutEvent(phone.sessionId, body), lambdaContext('logout'))).statusCode).toBe(204);
    expect(await sessions.authorize(phone.sessionId)).toBeUndefined();
    expect(await sessions.authorize(tablet.sessionId)).toBeDefined();
  });

  it('ends every session of the user with {"everywhere": true}, and no other user\'s', async () => {
    const phone = await sessions.create(identity);
    const tablet = await sessions.create(identity);
    const other = await sessions.create({ ...identity, openid: 'oUser2' });
    const response = await logout(logoutEvent(phone.sessionId, '{"everywhere":true}'), lambdaContext('logout'));
    expect(response.statusCode).toBe(204);
    expect(await sessions.authorize(phone.sessionId)).toBeUndefined();
    expect(await sessions.authorize(tablet.sessionId)).toBeUndefined();
    expect(await sessions.authorize(other.sessionId)).toBeDefined();
  });

  it.each([['{"everywhere":"yes"}'], ['[true]'], ['not json']])(
    'answers 400 for the body %j and ends nothing',
    async (body) => {
      const { sessionId } = await sessions.create(identity);
      const response = await logout(logoutEvent(sessionId, body), lambdaContext('logout'));
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body ?? 'null')).toMatchObject({ error: 'bad_request' });
      expect(await sessions.authorize(sessionId)).toBeDefined();
    }
  );
});
