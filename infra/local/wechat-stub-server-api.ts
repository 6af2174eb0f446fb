import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The WeChat stub's access_token APIs, behaving like the real ones:
 * - `POST /cgi-bin/stable_token` (JSON): checks grant_type, appid and secret; in normal mode returns the same token
 *   until its last 5 minutes, then a new one, the old one staying valid until it expires; `expires_in` 7200.
 *   force_refresh issues a new token at once (the old one lives 5 more minutes), as WeChat does.
 * - `GET /wxa/checksession`: verifies `signature` = hex(HMAC-SHA256(key = session_key text, "")) against the newest
 *   session_key issued for `openid`; 87009 when it does not match.
 * - `POST /wxa/business/getuserphonenumber` (JSON `{code, openid?}`): single-use codes; the part of the code before
 *   the first '.' is its user, so `alice.p1` and `alice.p2` give alice's number; with an `openid`, a code of another
 *   user is refused (40029) and stays unused, as WeChat binds the code to the openid (`expiretoken` codes, below,
 *   belong to every user).
 *   Codes starting with `invalid` → 40029; `expiretoken` → the current token is expired on the spot and the call
 *   answers 42001 (once per code, so the caller's refresh-and-retry then succeeds).
 * - Expired or invalidated tokens answer 42001, unknown ones 40001.
 * Each app (AppID) has its own tokens; a phone number's watermark names the app of the token used, and checksession
 * refuses an openid of another app (40003).
 * Admin endpoints (stub only): `POST /stub/expire-access-token` (`{appid}` optional) expires the current token now;
 * `POST /stub/rotate-session-key` `{openid}` gives the user a new session_key, as a wx.login our server never saw;
 * `POST /stub/encrypted-data` `{openid, data?}` returns `{encryptedData, iv}` as WeChat hands them to the mini program:
 * `data` plus a watermark, AES-128-CBC under the user's newest session_key.
 */
const TOKEN_LIFETIME_SECONDS = 7200;
const RENEW_WITHIN_MS = 5 * 60 * 1000;

interface StubServerApiOptions {
  /** AppID → app secret, for every app the stub serves. Each app has its own access_tokens. */
  apps: Readonly<Record<string, string>>;
  clock?: () => number;
}

interface StubServerApiStats {
  /** jscode2session requests (login code exchanges), answered or refused. */
  code2SessionCalls: number;
  /** stable_token requests answered with a token. */
  stableTokenCalls: number;
  forceRefreshCalls: number;
  checkSessionCalls: number;
  phoneNumberCalls: number;
}

interface StubReply {
  status?: number;
  body: unknown;
}

const failure = (errcode: number, errmsg: string) => ({ errcode, errmsg: `${errmsg} rid: stub` });

const newToken = (): string => `stub_${randomBytes(96).toString('base64url')}`;

/** The openid of the stub's user `user` (the part of a code before its first '.'), as jscode2session issues it. */
const openidFor = (appId: string, user: string): string =>
  `o${createHash('sha256').update(`${appId}:${user}`).digest('base64url').slice(0, 27)}`;

const phoneFor = (user: string): string => {
  const digits = BigInt(`0x${createHash('sha256').update(user).digest('hex').slice(0, 15)}`) % 10n ** 9n;
  return `13${digits.toString().padStart(9, '0')}`;
};

/** What WeChat does to open data before the mini program receives it. */
const encryptForMiniProgram = (data: unknown, sessionKey: string) => {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') };
};

/** The access_tokens the stub has issued, and stable_token's rules for issuing them. */
const createTokenStore = (options: StubServerApiOptions, clock: () => number, stats: StubServerApiStats) => {
  /** Every token ever issued → when it stops working (epoch ms), and the app it was issued to. */
  const tokenExpiry = new Map<string, number>();
  const tokenApp = new Map<string, string>();
  /** Each app's current token. */
  const currentOf = new Map<string, string>();

  const issue = (appId: string): string => {
    const now = clock();
    const current = currentOf.get(appId);
    if (current) tokenExpiry.set(current, Math.min(tokenExpiry.get(current) ?? now, now + RENEW_WITHIN_MS));
    const token = newToken();
    currentOf.set(appId, token);
    tokenApp.set(token, appId);
    tokenExpiry.set(token, now + TOKEN_LIFETIME_SECONDS * 1000);
    return token;
  };

  /** Expires the current token of `appId`, or of every app. */
  const expireCurrent = (appId?: string): void => {
    for (const [app, current] of [...currentOf]) {
      if (appId !== undefined && app !== appId) continue;
      tokenExpiry.set(current, clock() - 1);
      currentOf.delete(app);
    }
  };

  /** The app a token was issued to. */
  const appOf = (token: string | null): string | undefined => (token ? tokenApp.get(token) : undefined);

  /** undefined when the token is good, else WeChat's error. */
  const tokenProblem = (token: string | null) => {
    const expiresAt = token ? tokenExpiry.get(token) : undefined;
    if (expiresAt === undefined) return failure(40001, 'invalid credential, access_token is invalid or not latest');
    if (expiresAt <= clock()) return failure(42001, 'access_token expired');
    return undefined;
  };

  const stableToken = (body: Record<string, unknown>) => {
    if (body.grant_type !== 'client_credential') return failure(40002, 'invalid grant_type');
    const appId = typeof body.appid === 'string' && Object.hasOwn(options.apps, body.appid) ? body.appid : undefined;
    if (appId === undefined) return failure(40013, 'invalid appid');
    if (body.secret !== options.apps[appId]) return failure(40125, 'invalid appsecret');
    const now = clock();
    const current = currentOf.get(appId);
    let token = current;
    if (body.force_refresh === true) {
      stats.forceRefreshCalls += 1;
      token = issue(appId);
    } else if (!current || (tokenExpiry.get(current) ?? 0) - now <= RENEW_WITHIN_MS) {
      token = issue(appId);
    }
    stats.stableTokenCalls += 1;
    const issued = token as string;
    return { access_token: issued, expires_in: Math.floor(((tokenExpiry.get(issued) ?? now) - now) / 1000) };
  };

  return { expireCurrent, tokenProblem, stableToken, appOf };
};

type TokenStore = ReturnType<typeof createTokenStore>;

/** What code2Session handed out: the newest session_key per openid, and the app each openid belongs to. */
interface StubUsers {
  latestSessionKeys: Map<string, string>;
  appOfOpenid: ReadonlyMap<string, string>;
}

/**
 * `GET /wxa/checksession`: the signature must match the newest session_key issued for the openid, and the openid
 * must be of the token's app (40003 otherwise).
 */
const createCheckSession =
  (tokens: TokenStore, users: StubUsers, stats: StubServerApiStats) => (query: URLSearchParams) => {
    stats.checkSessionCalls += 1;
    const problem = tokens.tokenProblem(query.get('access_token'));
    if (problem) return problem;
    if (query.get('sig_method') !== 'hmac_sha256') return failure(40097, 'invalid args');
    const openid = query.get('openid') ?? '';
    const app = users.appOfOpenid.get(openid);
    if (app !== undefined && app !== tokens.appOf(query.get('access_token'))) return failure(40003, 'invalid openid');
    const sessionKey = users.latestSessionKeys.get(openid);
    const expected = sessionKey ? createHmac('sha256', sessionKey).update('').digest('hex') : undefined;
    if (!expected || query.get('signature') !== expected) return failure(87009, 'invalid signature');
    return { errcode: 0, errmsg: 'ok' };
  };

/** `POST /wxa/business/getuserphonenumber`: single-use codes, a stable number per user, `expiretoken` codes. */
const createPhoneNumber = (clock: () => number, tokens: TokenStore, stats: StubServerApiStats) => {
  const usedPhoneCodes = new Set<string>();
  const expireTokenCodesSeen = new Set<string>();
  return (query: URLSearchParams, body: Record<string, unknown>) => {
    stats.phoneNumberCalls += 1;
    const code = typeof body.code === 'string' ? body.code : '';
    if (code.startsWith('expiretoken') && !expireTokenCodesSeen.has(code)) {
      expireTokenCodesSeen.add(code);
      tokens.expireCurrent(tokens.appOf(query.get('access_token')));
    }
    const problem = tokens.tokenProblem(query.get('access_token'));
    if (problem) return problem;
    if (code === '' || code.startsWith('invalid') || usedPhoneCodes.has(code)) return failure(40029, 'invalid code');
    const user = code.split('.')[0] ?? code;
    // With an openid, the code must have been issued to that user (left unused for its owner otherwise). `expiretoken`
    // codes play a token expiry for whoever calls, so they belong to every user.
    const app = tokens.appOf(query.get('access_token')) ?? '';
    const owned = code.startsWith('expiretoken') || body.openid === openidFor(app, user);
    if (body.openid !== undefined && !owned) {
      return failure(40029, 'invalid code: not issued to this openid');
    }
    usedPhoneCodes.add(code);
    const phone = phoneFor(user);
    // The button's code is for the app whose token asks: the watermark names that app.
    const watermark = { timestamp: Math.floor(clock() / 1000), appid: app };
    return {
      errcode: 0,
      errmsg: 'ok',
      phone_info: { phoneNumber: phone, purePhoneNumber: phone, countryCode: '86', watermark },
    };
  };
};

/** The stub-only admin endpoints: open data encrypted as WeChat would, and a session_key rotated behind our back. */
const createAdmin = (options: StubServerApiOptions, clock: () => number, users: StubUsers) => ({
  encryptedData: (json: Record<string, unknown>): StubReply => {
    const openid = typeof json.openid === 'string' ? json.openid : '';
    const sessionKey = users.latestSessionKeys.get(openid);
    if (!sessionKey) return { status: 404, body: { error: 'unknown openid' } };
    const data = typeof json.data === 'object' && json.data !== null ? json.data : { stepInfoList: [] };
    // Open data carries the watermark of the app the user's openid belongs to.
    const appid = users.appOfOpenid.get(openid) ?? Object.keys(options.apps)[0];
    const watermark = { timestamp: Math.floor(clock() / 1000), appid };
    return { body: encryptForMiniProgram({ ...data, watermark }, sessionKey) };
  },
  rotateSessionKey: (json: Record<string, unknown>): StubReply => {
    const openid = typeof json.openid === 'string' ? json.openid : '';
    if (!users.latestSessionKeys.has(openid)) return { status: 404, body: { error: 'unknown openid' } };
    users.latestSessionKeys.set(openid, randomBytes(16).toString('base64'));
    return { body: { ok: true } };
  },
});

/**
 * @param latestSessionKeys the newest session_key per openid, as code2Session handed them out
 * @param appOfOpenid the app each openid belongs to (openids are per app)
 */
const createStubServerApi = (
  options: StubServerApiOptions,
  latestSessionKeys: Map<string, string>,
  appOfOpenid: ReadonlyMap<string, string> = new Map()
) => {
  const users: StubUsers = { latestSessionKeys, appOfOpenid };
  const clock = options.clock ?? Date.now;
  const stats: StubServerApiStats = {
    code2SessionCalls: 0,
    stableTokenCalls: 0,
    forceRefreshCalls: 0,
    checkSessionCalls: 0,
    phoneNumberCalls: 0,
  };
  const tokens = createTokenStore(options, clock, stats);
  const checkSession = createCheckSession(tokens, users, stats);
  const phoneNumber = createPhoneNumber(clock, tokens, stats);
  const admin = createAdmin(options, clock, users);

  /** Answers a request this module serves, or returns undefined for the stub's other routes. */
  const handle = (method: string, url: URL, body: unknown): StubReply | undefined => {
    const json = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    switch (`${method} ${url.pathname}`) {
      case 'POST /cgi-bin/stable_token':
        return { body: tokens.stableToken(json) };
      case 'GET /wxa/checksession':
        return { body: checkSession(url.searchParams) };
      case 'POST /wxa/business/getuserphonenumber':
        return { body: phoneNumber(url.searchParams, json) };
      case 'POST /stub/expire-access-token':
        tokens.expireCurrent(typeof json.appid === 'string' ? json.appid : undefined);
        return { body: { ok: true } };
      case 'POST /stub/encrypted-data':
        return admin.encryptedData(json);
      case 'POST /stub/rotate-session-key':
        return admin.rotateSessionKey(json);
      default:
        return undefined;
    }
  };

  return { handle, expireCurrentToken: tokens.expireCurrent, stats };
};

export type { StubReply, StubServerApiOptions, StubServerApiStats };
export { createStubServerApi, failure, openidFor };
