import { type AuthClientOptions, type ClientConfig, resolveConfig } from './client-config.js';
import { isGatewayDenial } from './denial.js';
import { logIn } from './login.js';
import { LoginLimiter } from './login-limiter.js';
import { followServer, isExpired } from './server-clock.js';
import type { StoredSession } from './session.js';
import { sessionKeyCheck } from './session-key-check.js';
import { SessionStorage } from './session-storage.js';
import { type SingleFlight, singleFlight } from './single-flight.js';
import { type AuthResponse, type SendOptions, send, withHeader } from './transport.js';
import { wxAppId } from './wx.js';

/** wx.request's options, with `url` a path under baseUrl (absolute URLs are refused: the session stays ours). */
type AuthRequestOptions = SendOptions;

/** The session as the app may see it. */
interface AuthSession {
  sessionId: string;
  expiresAt: string;
}

interface AuthClient {
  /** wx.request with the session attached: logs in first when needed, and once more if API Gateway refuses it. */
  request<T = unknown>(options: AuthRequestOptions): Promise<AuthResponse<T>>;
  /** Logs in now (sharing a login already in flight) and keeps the new session. */
  login(): Promise<AuthSession>;
  /** Ends the session on the server and forgets it here; resolves whether the server confirmed. Never rejects. */
  logout(): Promise<boolean>;
  /** Whether a session is held that has not expired, judged on the server's clock. */
  hasSession(): boolean;
}

/** The parts every operation of one client shares. */
interface ClientCore {
  readonly config: ClientConfig;
  readonly storage: SessionStorage;
  readonly loginFlight: SingleFlight<StoredSession>;
  readonly checkSessionKeyOnce: () => Promise<void>;
}

/** The stored session if the server's clock says it is still live. */
const liveSession = (core: ClientCore): StoredSession | undefined => {
  const session = core.storage.load();
  return session && !isExpired(session, core.config.now()) ? session : undefined;
};

/** Sends `request` with `session`, then keeps what the answer says about it (renewed expiry, server clock). */
const sendWith = async <T>(core: ClientCore, request: AuthRequestOptions, session: StoredSession) => {
  const { config } = core;
  const response = await send<T>(config.api(), {
    ...request,
    url: config.urlOf(request.url),
    header: withHeader(request.header, config.sessionHeader, session.sessionId),
  });
  const current = core.storage.load();
  const followed = current?.sessionId === session.sessionId && followServer(current, response.header, config.now());
  if (followed) core.storage.replaceIf(followed);
  return response;
};

/** Ends `session` on the server; resolves whether the server confirmed. Never rejects. */
const endOnServer = async (config: ClientConfig, session: StoredSession): Promise<boolean> => {
  try {
    const answer = await send(config.api(), {
      url: config.urlOf(config.logoutPath),
      method: 'POST',
      header: withHeader(undefined, config.sessionHeader, session.sessionId),
    });
    return answer.statusCode >= 200 && answer.statusCode < 300;
  } catch {
    return false;
  }
};

/** After API Gateway refused `denied`: a newer session another caller already got, or a new login. */
const sessionAfterDenial = (core: ClientCore, denied: StoredSession): Promise<StoredSession> => {
  core.storage.clearIf(denied.sessionId);
  const current = liveSession(core);
  return current && current.sessionId !== denied.sessionId ? Promise.resolve(current) : core.loginFlight.run();
};

const authorizedRequest = async <T>(core: ClientCore, request: AuthRequestOptions): Promise<AuthResponse<T>> => {
  core.config.urlOf(request.url);
  await core.checkSessionKeyOnce();
  const session = liveSession(core) ?? (await core.loginFlight.run());
  const first = await sendWith<T>(core, request, session);
  if (!isGatewayDenial(first)) return first;
  // Retried once with a new session; a second refusal goes back to the caller, never round again.
  return sendWith<T>(core, request, await sessionAfterDenial(core, session));
};

const logOut = async (core: ClientCore): Promise<boolean> => {
  // A login in flight would save its session after we cleared: let it land, then end that one too.
  await core.loginFlight.idle();
  const session = core.storage.load();
  core.storage.clear();
  return session ? endOnServer(core.config, session) : false;
};

/** The single-flight login: at most maxLoginsPerMinute, the new session saved before anyone sees it. */
const loginFlightOf = (config: ClientConfig, storage: SessionStorage): SingleFlight<StoredSession> => {
  const limiter = new LoginLimiter(config.maxLoginsPerMinute, config.now);
  return singleFlight(async () => {
    limiter.take();
    const api = config.api();
    const url = config.urlOf(config.loginPath);
    const session = await logIn({ api, url, appId: config.appId ?? wxAppId(api), deviceNow: config.now });
    storage.save(session);
    return session;
  });
};

const coreOf = (config: ClientConfig): ClientCore => {
  const storage = new SessionStorage(config.api, config.storageKey);
  // A session dropped for its session_key while the server still honours it is ended there too (fire-and-forget),
  // so an abandoned session does not stay usable for days.
  const dropped = (session: StoredSession): void => {
    if (!isExpired(session, config.now())) void endOnServer(config, session);
  };
  return {
    config,
    storage,
    loginFlight: loginFlightOf(config, storage),
    checkSessionKeyOnce: sessionKeyCheck(config.api, storage, dropped),
  };
};

/**
 * Creates the client a mini program uses instead of wx.request. Make one per app (in app.ts) and share it: the
 * single-flight login and the once-per-launch wx.checkSession are per client.
 *
 * @example
 * const auth = createAuthClient({ baseUrl: 'https://api.example.com' });
 * const { statusCode, data } = await auth.request({ url: '/me' });
 */
const createAuthClient = (options: AuthClientOptions): AuthClient => {
  const core = coreOf(resolveConfig(options));
  return {
    request: <T = unknown>(request: AuthRequestOptions) => authorizedRequest<T>(core, request),
    login: async () => {
      const { sessionId, expiresAt } = await core.loginFlight.run();
      return { sessionId, expiresAt };
    },
    logout: () => logOut(core),
    hasSession: () => liveSession(core) !== undefined,
  };
};

export type { AuthClient, AuthClientOptions, AuthRequestOptions, AuthSession };
export { createAuthClient };
