import type { FakeRequest, FakeResponse, FakeTransport } from './fake-wx.js';

type ScriptedAnswer = FakeResponse | 'network_error' | Promise<FakeResponse>;

interface FakeSession {
  code: string;
  expiresAt: number;
}

/**
 * The API's HTTP contract in memory, for unit tests: POST /login trades a code for `session-<n>`; every other
 * route wants X-Session-Id (none → 401, unknown or expired → 403, API Gateway's bodies); a session is renewed to
 * now + `sessionLifetimeMs` once half of that is left (the server's sliding renewal), and every answer to a live
 * session carries X-Session-Expires-At; POST /logout → 204 and forgets the session. Tests queue scripted answers per
 * path to play failures.
 */
class FakeApi {
  readonly sessions = new Map<string, FakeSession>();
  /** The login bodies POST /login received, in order. */
  readonly loginBodies: unknown[] = [];
  /** Scripted answers, taken in order before the contract applies, keyed by path ('/login', '/me', …). */
  readonly scripted = new Map<string, ScriptedAnswer[]>();
  sessionLifetimeMs = 60 * 60 * 1000;
  sessionHeader = 'X-Session-Id';
  /** The server's clock; sent back in a Date header like a real server. */
  now: () => number = Date.now;
  private issued = 0;

  readonly transport: FakeTransport = async (request) => this.answer(request);

  /** Queues answers for `path`; 'network_error' plays a request that got no answer, a promise a slow one. */
  script(path: string, ...answers: ScriptedAnswer[]): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...answers]);
  }

  /** Ends a session on the server without the client knowing (an admin, a TTL, a logout elsewhere). */
  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  private async answer(request: FakeRequest): Promise<FakeResponse> {
    const path = new URL(request.url).pathname;
    const scripted = await this.scripted.get(path)?.shift();
    if (scripted === 'network_error') throw new Error('connect ECONNREFUSED');
    if (scripted !== undefined) return this.dated(scripted);
    if (path === '/login') {
      this.loginBodies.push(request.data);
      return this.dated(this.login(request));
    }
    const sessionId = Object.entries(request.header).find(
      ([name]) => name.toLowerCase() === this.sessionHeader.toLowerCase()
    )?.[1];
    if (!sessionId) return this.dated({ statusCode: 401, data: { message: 'Unauthorized' } });
    const session = this.sessions.get(sessionId);
    if (!session || session.expiresAt <= this.now()) {
      return this.dated({ statusCode: 403, data: { message: 'Forbidden' } });
    }
    if (session.expiresAt - this.now() <= this.sessionLifetimeMs / 2)
      session.expiresAt = this.now() + this.sessionLifetimeMs;
    const expiry = { 'X-Session-Expires-At': new Date(session.expiresAt).toISOString() };
    if (path === '/logout') {
      this.sessions.delete(sessionId);
      return this.dated({ statusCode: 204, header: expiry });
    }
    return this.dated({ statusCode: 200, data: { path, code: session.code }, header: expiry });
  }

  private login(request: FakeRequest): FakeResponse {
    const code = (request.data as { code?: unknown } | undefined)?.code;
    if (typeof code !== 'string' || code === '') {
      return { statusCode: 400, data: { error: 'bad_request', message: 'code is required' } };
    }
    this.issued += 1;
    const sessionId = `session-${this.issued}`;
    const expiresAt = this.now() + this.sessionLifetimeMs;
    this.sessions.set(sessionId, { code, expiresAt });
    return { statusCode: 200, data: { sessionId, expiresAt: new Date(expiresAt).toISOString() } };
  }

  private dated(response: FakeResponse): FakeResponse {
    return {
      ...response,
      header: { 'Content-Type': 'application/json', Date: new Date(this.now()).toUTCString(), ...response.header },
    };
  }
}

export type { ScriptedAnswer };
export { FakeApi };
