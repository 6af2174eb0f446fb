import { globalWx } from './global-wx.js';
import type { WxLike } from './wx.js';

interface AuthClientOptions {
  /** The API's base URL, e.g. `https://api.example.com`; its host must be on the mini program's request-domain list. */
  baseUrl: string;
  /**
   * The mini program's AppID, sent with every login so one backend can serve several mini programs. Default
   * `wx.getAccountInfoSync().miniProgram.appId`, the AppID the running mini program was built with.
   */
  appId?: string;
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

const DEFAULTS = {
  sessionHeader: 'X-Session-Id',
  storageKey: 'wechat-login:session',
  maxLoginsPerMinute: 5,
  loginPath: '/login',
  logoutPath: '/logout',
};

/** The options with defaults applied and checked, plus the two things every part needs: `wx` and the clock. */
interface ClientConfig {
  readonly sessionHeader: string;
  readonly storageKey: string;
  readonly maxLoginsPerMinute: number;
  readonly loginPath: string;
  readonly logoutPath: string;
  readonly appId: string | undefined;
  readonly now: () => number;
  /** The `wx` in use; throws when there is none (outside a mini program, with no `wx` option). */
  readonly api: () => WxLike;
  /** `path` as a URL under baseUrl; throws a TypeError for an absolute URL. */
  readonly urlOf: (path: string) => string;
}

const ABSOLUTE_URL = /^([a-z][a-z\d+.-]*:|\/\/)/i;

const urlUnder = (baseUrl: string, path: string): string => {
  if (ABSOLUTE_URL.test(path)) {
    throw new TypeError('request url must be a path under baseUrl, so the session id never goes to another host');
  }
  return baseUrl + (path.charAt(0) === '/' ? path : `/${path}`);
};

/** Checks the options and applies the defaults; throws a TypeError naming what is wrong. */
const resolveConfig = (options: AuthClientOptions): ClientConfig => {
  if (typeof options?.baseUrl !== 'string' || options.baseUrl === '') {
    throw new TypeError('createAuthClient needs a baseUrl');
  }
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  if (!(Number.isInteger(settings.maxLoginsPerMinute) && settings.maxLoginsPerMinute >= 1)) {
    throw new TypeError('maxLoginsPerMinute must be a whole number of at least 1');
  }
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return {
    ...settings,
    appId: options.appId || undefined,
    now: options.now ?? Date.now,
    api: () => {
      const found = options.wx ?? globalWx();
      if (!found) throw new TypeError('No wx API: run inside a mini program or pass options.wx');
      return found;
    },
    urlOf: (path) => urlUnder(baseUrl, path),
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

export type { AuthClientOptions, ClientConfig };
export { resolveConfig };
