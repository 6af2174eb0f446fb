import { globalWx } from './global-wx.js';
import { logIn } from './login.js';
import { LoginLimiter } from './login-limiter.js';
import { isExpired, type StoredSession } from './session.js';
import { SessionStorage } from './session-storage.js';
import { singleFlight } from './single-flight.js';
import { type AuthResponse, type SendOptions, send, withHeader } from './transport.js';
import { type WxLike, wxCheckSession } from './wx.js';

interface AuthClientOptions {
  /** The API's base URL, e.g. `https://api.example.com`; its host must be on the mini program's request-domain list. */
  baseUrl: string;
  /** The header that carries the session id. Default `X-Session-Id`. */
  sessionHeader?: string;
  /** The wx storage key the session is kept under. Default `wechat-login:session`. */
  storageKey?: string;
  /** Login attempts allowed in any 60 s; beyond that login() rejects with `too_many_logins`. Default 5. */
  maxLoginsPerMinute?: number;
  /** Default `/login`. */
  loginPath?: string;
  /** Default `/logout`. */
  logoutPath?: string;
  /** The `wx` to use; default the mini program's global `wx`. Tests pass a fake. */
  wx?: WxLike;
  /** The device clock; default Date.now. */
  now?: () => number;
}

/** wx.request's options, with `url` a path under baseUrl (absolute URLs are refused: the session stays ours). */
type AuthRequestOptions = SendOptions;

/** The session as the app may see it. */
interface AuthSession {
  sessionId: string;
  expiresAt: string;
}

interface AuthClient {
  /** wx.request with the session attached: logs in first when needed, and once more if the server refuses it. */
  request<T = unknown>(options: AuthRequestOptions): Promise<AuthResponse<T>>;
  /** Logs in now (sharing a login already in flight) and keeps the new session. */
  login(): Promise<AuthSession>;
  /** Ends the session on the server and forgets it here; resolves whether the server confirmed. Never rejects. */
  logout(): Promise<boolean>;
  /** Whether a session is held that has not expired by this device's account. */
  hasSession(): boolean;
}

const DEFAULTS = {
  sessionHeader: 'X-Session-Id',
  storageKey: 'wechat-login:session',
  maxLoginsPerMinute: 5,
  loginPath: '/login',
  logoutPath: '/logout',
};

/** 401: no session sent; 403: the server does not know it (unknown, expired, logged out). */
const isDenied = (statusCode: number): boolean => statusCode === 401 || statusCode === 403;

const ABSOLUTE_URL = /^([a-z][a-z\d+.-]*:|\/\/)/i;

const urlUnder = (baseUrl: string, path: string): string => {
  if (ABSOLUTE_URL.test(path)) {
    throw new TypeError('request url must be a path under baseUrl, so the session id never goes to another host');
  }
  return baseUrl + (path.charAt(0) === '/' ? path : `/${path}`);
};

/**
 * Creates the client a mini program uses instead of wx.request. Make one per app (in app.ts) and share it: the
 * single-flight login and the once-per-launch wx.checkSession are per client.
 *
 * @example
 * const auth = createAuthClient({ baseUrl: 'https://api.example.com' });
 * const { statusCode, data } = await auth.request({ url: '/me' });
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: split by the client helper (issue 10)
const createAuthClient = (options: AuthClientOptions): AuthClient => {
  if (typeof options?.baseUrl !== 'string' || options.baseUrl === '') {
    throw new TypeError('createAuthClient needs a baseUrl');
  }
  const config = { ...DEFAULTS, ...definedOnly(options) };
  if (!(Number.isInteger(config.maxLoginsPerMinute) && config.maxLoginsPerMinute >= 1)) {
    throw new TypeError('maxLoginsPerMinute must be a whole number of at least 1');
  }
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const api = (): WxLike => {
    const found = options.wx ?? globalWx();
    if (!found) throw new TypeError('No wx API: run inside a mini program or pass options.wx');
    return found;
  };

  const storage = new SessionStorage(api, config.storageKey);
  const limiter = new LoginLimiter(config.maxLoginsPerMinute, now);
  const loginFlight = singleFlight(async () => {
    limiter.take();
    const session = await logIn(api(), urlUnder(baseUrl, config.loginPath), now);
    storage.save(session);
    return session;
  });

  // Asked once per launch, before the first request: a session_key WeChat has expired would break server-side
  // decryption, and only a new wx.login renews it. A session saved since the check began is fresh: keep it.
  // A check that throws is no answer, so the session from before is treated as stale too: the login that replaces
  // it renews the session_key, which is all the check was for, and the remembered promise never holds a rejection
  // that would fail every request of this launch.
  let sessionKeyChecked: Promise<void> | undefined;
  const checkSessionKeyOnce = (): Promise<void> => {
    if (!sessionKeyChecked) {
      const before = storage.load();
      const dropBefore = (): void => {
        if (before) storage.clearIf(before.sessionId);
      };
      sessionKeyChecked = wxCheckSession(api()).then((valid) => {
        if (!valid) dropBefore();
      }, dropBefore);
    }
    return sessionKeyChecked;
  };

  const liveSession = (): StoredSession | undefined => {
    const session = storage.load();
    return session && !isExpired(session, now()) ? session : undefined;
  };

  const sessionForRequest = async (): Promise<StoredSession> => {
    await checkSessionKeyOnce();
    return liveSession() ?? loginFlight.run();
  };

  /** After `denied` was refused: a newer session another caller already got, or a new login. */
  const sessionAfterDenial = (denied: StoredSession): Promise<StoredSession> => {
    storage.clearIf(denied.sessionId);
    const current = liveSession();
    return current && current.sessionId !== denied.sessionId ? Promise.resolve(current) : loginFlight.run();
  };

  const sendWith = <T>(request: AuthRequestOptions, session: StoredSession) =>
    send<T>(api(), {
      ...request,
      url: urlUnder(baseUrl, request.url),
      header: withHeader(request.header, config.sessionHeader, session.sessionId),
    });

  return {
    async request<T = unknown>(request: AuthRequestOptions): Promise<AuthResponse<T>> {
      urlUnder(baseUrl, request.url);
      const session = await sessionForRequest();
      const first = await sendWith<T>(request, session);
      if (!isDenied(first.statusCode)) return first;
      // Retried once with a new session; a second refusal goes back to the caller, never round again.
      return sendWith<T>(request, await sessionAfterDenial(session));
    },

    async login(): Promise<AuthSession> {
      const { sessionId, expiresAt } = await loginFlight.run();
      return { sessionId, expiresAt };
    },

    async logout(): Promise<boolean> {
      // A login in flight would save its session after we cleared: let it land, then end that one too.
      await loginFlight.idle();
      const session = storage.load();
      storage.clear();
      if (!session) return false;
      try {
        const answer = await send(api(), {
          url: urlUnder(baseUrl, config.logoutPath),
          method: 'POST',
          header: withHeader(undefined, config.sessionHeader, session.sessionId),
        });
        return answer.statusCode >= 200 && answer.statusCode < 300;
      } catch {
        return false;
      }
    },

    hasSession: () => liveSession() !== undefined,
  };
};

/** The options a caller actually set, so `{ storageKey: undefined }` keeps the default. */
const definedOnly = (options: AuthClientOptions): Partial<typeof DEFAULTS> => {
  const set: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULTS)) {
    const value = (options as unknown as Record<string, unknown>)[key];
    if (value !== undefined) set[key] = value;
  }
  return set as Partial<typeof DEFAULTS>;
};

export type { AuthClient, AuthClientOptions, AuthRequestOptions, AuthSession };
export { createAuthClient };
