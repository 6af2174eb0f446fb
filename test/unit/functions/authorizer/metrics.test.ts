import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../../../functions/authorizer/handler.js';
import { useMetricSink } from '../../../../functions/shared/runtime/metrics.js';
import { SessionPolicy } from '../../../../functions/shared/sessions/session-policy.js';
import { SessionStore } from '../../../../functions/shared/sessions/session-store.js';
import { authorizerEvent } from '../../../support/events.js';
import { InMemorySessionPersistence } from '../../../support/fakes/in-memory-session-persistence.js';

const TTL = 1000;
const MAX_AGE = 10_000;
const LOGIN = 1_700_000_000;
const SESSION_KEY = 'c2Vzc2lvbi1rZXktMTY=';

describe('authorizer decisions, counted by reason', () => {
  let nowSeconds: number;
  let sessions: SessionStore;
  let persistence: InMemorySessionPersistence;
  let recorded: [string, Record<string, string | undefined>][];
  let authorize: ReturnType<typeof createHandler>;

  beforeEach(() => {
    nowSeconds = LOGIN;
    persistence = new InMemorySessionPersistence();
    sessions = new SessionStore(persistence, new SessionPolicy(TTL, MAX_AGE), {
      clock: () => nowSeconds * 1000,
      originalAppId: 'wxaaaaaaaaaaaaaaaa',
    });
    authorize = createHandler(sessions);
    recorded = [];
    useMetricSink((name, dimensions) => recorded.push([name, { ...dimensions }]));
  });
  afterEach(() => useMetricSink(undefined));

  const decide = async (sessionId: string) => {
    recorded.length = 0;
    const result = await authorize(authorizerEvent({ sessionId }));
    return { isAuthorized: result.isAuthorized, recorded: [...recorded] };
  };
  const login = async () =>
    (await sessions.create({ appId: 'wxaaaaaaaaaaaaaaaa', openid: 'oUser1', sessionKey: SESSION_KEY })).sessionId;

  it('allow / live: a session used well inside its idle window', async () => {
    const sessionId = await login();
    expect(await decide(sessionId)).toEqual({
      isAuthorized: true,
      recorded: [['AuthorizerDecision', { decision: 'allow', reason: 'live' }]],
    });
  });

  it('allow / renewed: a session whose idle expiry was pushed forward by this request', async () => {
    const sessionId = await login();
    nowSeconds += TTL - 10;
    expect(await decide(sessionId)).toEqual({
      isAuthorized: true,
      recorded: [['AuthorizerDecision', { decision: 'allow', reason: 'renewed' }]],
    });
  });

  it('deny / malformed: not a session id at all, with no table read', async () => {
    const read = vi.spyOn(persistence, 'get');
    expect(await decide('not-a-session-id')).toEqual({
      isAuthorized: false,
      recorded: [['AuthorizerDecision', { decision: 'deny', reason: 'malformed' }]],
    });
    expect(read).not.toHaveBeenCalled();
  });

  it('deny / unknown: a well-formed id no session has, and a logged-out session', async () => {
    expect((await decide(randomBytes(32).toString('base64url'))).recorded).toEqual([
      ['AuthorizerDecision', { decision: 'deny', reason: 'unknown' }],
    ]);
    const sessionId = await login();
    await sessions.revoke({ openid: 'oUser1' }, sessionId);
    expect((await decide(sessionId)).recorded).toEqual([
      ['AuthorizerDecision', { decision: 'deny', reason: 'unknown' }],
    ]);
  });

  it('deny / expired: a session idle past its TTL, still in the table', async () => {
    const sessionId = await login();
    nowSeconds += TTL + 1;
    expect(await decide(sessionId)).toEqual({
      isAuthorized: false,
      recorded: [['AuthorizerDecision', { decision: 'deny', reason: 'expired' }]],
    });
  });

  it('counts exactly one decision per request, and none when storage fails (API Gateway answers 500)', async () => {
    const sessionId = await login();
    persistence.get = async () => {
      throw new Error('DynamoDB unavailable');
    };
    recorded.length = 0;
    await expect(authorize(authorizerEvent({ sessionId }))).rejects.toThrow();
    expect(recorded).toEqual([]);
  });
});
