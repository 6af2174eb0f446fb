import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../../functions/logout/handler.js';
import { hashSessionId } from '../../../../functions/shared/sessions/session-id.js';
import { SessionPolicy } from '../../../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../../../functions/shared/sessions/session-store.js';
import { httpEvent, lambdaContext } from '../../../support/events.js';
import { InMemorySessionPersistence } from '../../../support/fakes/in-memory-session-persistence.js';

const identity = { openid: 'oUser1', sessionKey: 'c2Vzc2lvbi1rZXktMTY=' };

let persistence: InMemorySessionPersistence;
let sessions: SessionStore;
let logout: ReturnType<typeof createHandler>;

const logoutEvent = (sessionId: string) =>
  httpEvent({
    method: 'POST',
    path: '/logout',
    headers: { 'X-Session-Id': sessionId },
    authorizerContext: { openid: identity.openid },
  });

beforeEach(() => {
  persistence = new InMemorySessionPersistence();
  sessions = new SessionStore(persistence, new SessionPolicy(1000, 10_000));
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
    expect(await sessions.authorize(tablet.sessionId)).toEqual({ openid: 'oUser1', expiresAt: expect.any(Number) });
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
});
