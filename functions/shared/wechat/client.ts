import { defaults } from '../contract/defaults.js';
import { AppError, type ErrorCode } from '../http/errors.js';
import { unionidField, type WeChatIdentity } from '../sessions/identity.js';
import { loginStateSignature } from './crypto.js';

/** A WeChat failure, already classified. `errcode` is WeChat's number when it sent one (for logs, never clients). */
class WeChatError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly errcode?: number,
    options?: { cause?: unknown }
  ) {
    super(code, message, { ...options, logDetails: { errcode } });
    this.name = 'WeChatError';
  }
}

interface WeChatClientOptions {
  appId: string;
  /** Resolves the app secret; called per exchange so a cached provider can rotate. */
  appSecret: () => Promise<string>;
  apiBaseUrl?: string;
  timeoutMs?: number;
  busyRetryDelayMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** What stable_token grants. */
interface AccessTokenGrant {
  accessToken: string;
  expiresInSeconds: number;
}

/** getuserphonenumber's `phone_info`, as WeChat sends it. */
interface PhoneInfo {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
  watermark: { timestamp: number; appid: string };
  [field: string]: unknown;
}

const BUSY = -1;
/** errcodes meaning the access_token is invalid (40001), expired (42001) or not an access_token (40014). */
const ACCESS_TOKEN_REJECTED = new Set([40001, 42001, 40014]);
const SESSION_KEY_INVALID = 87009;

type Meanings = Record<number, [ErrorCode, string]>;

const busy: [ErrorCode, string] = ['wechat_busy', 'WeChat is busy; try again shortly'];

/** What every WeChat API may answer: busy (-1), or our AppID / secret rejected (40013 / 40125). */
const commonMeaning: Meanings = {
  [BUSY]: busy,
  40013: ['wechat_misconfigured', 'The server is misconfigured'],
  40125: ['wechat_misconfigured', 'The server is misconfigured'],
};

/** errcode → how login answers it. Anything not listed means WeChat could not serve us: wechat_unavailable. */
const errcodeMeaning: Meanings = {
  ...commonMeaning,
  40029: ['invalid_code', 'The login code is invalid; call wx.login() again'],
  40163: ['invalid_code', 'The login code was already used; call wx.login() again'],
  40226: ['user_blocked', 'WeChat blocked this login as high-risk'],
  45011: ['rate_limited', 'Too many logins for this user; try again in a minute'],
};

const unavailable = (message: string, errcode?: number, cause?: unknown): WeChatError =>
  new WeChatError('wechat_unavailable', message, errcode, { cause });

/** errcodes every access_token API shares. A rejected token is wechat_unavailable; callers refresh and retry once. */
const serverApiMeaning: Meanings = {
  [BUSY]: busy,
  ...Object.fromEntries(
    [...ACCESS_TOKEN_REJECTED].map((errcode) => [errcode, ['wechat_unavailable', 'WeChat rejected the access token']])
  ),
};

const stableTokenMeaning: Meanings = {
  ...commonMeaning,
  /** The app's API IP allow-list is on and does not list our egress address. */
  40164: ['wechat_misconfigured', 'The server is misconfigured'],
};

const phoneNumberMeaning: Meanings = {
  ...serverApiMeaning,
  40029: ['invalid_phone_code', 'The phone number code is invalid, used or expired; ask the user again'],
  45011: ['rate_limited', 'Too many phone number requests; try again in a minute'],
};

/** Throws the classified error for a reply carrying a non-zero errcode. */
const throwOnErrcode = (reply: Record<string, unknown>, meanings: Meanings, fallback: string): void => {
  const { errcode } = reply;
  if (errcode === undefined || errcode === 0) return;
  const meaning = typeof errcode === 'number' ? meanings[errcode] : undefined;
  if (meaning) throw new WeChatError(meaning[0], meaning[1], errcode as number);
  throw unavailable(fallback, typeof errcode === 'number' ? errcode : undefined);
};

/** True when WeChat refused the access_token itself: the cached token must be dropped and fetched again. */
const isAccessTokenRejected = (error: unknown): boolean =>
  error instanceof WeChatError && error.errcode !== undefined && ACCESS_TOKEN_REJECTED.has(error.errcode);

/**
 * Talks to WeChat's server APIs. The request URL of code2Session carries the app secret, so no URL, query or raw
 * reply ever reaches an error message or a log line from here.
 *
 * @example
 * const wechat = new WeChatClient({ appId, appSecret: async () => secret });
 * const { openid, sessionKey } = await wechat.exchangeCode(code);
 */
class WeChatClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly busyRetryDelayMs: number;
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: WeChatClientOptions) {
    this.baseUrl = (options.apiBaseUrl ?? defaults.wechatApiBaseUrl).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? defaults.wechatTimeoutMs;
    this.busyRetryDelayMs = options.busyRetryDelayMs ?? defaults.wechatBusyRetryDelayMs;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** code2Session: trades a wx.login() code for the user's identity. Retries once, only when WeChat is busy. */
  async exchangeCode(code: string): Promise<WeChatIdentity> {
    try {
      return await this.code2Session(code);
    } catch (error) {
      if (!(error instanceof WeChatError) || error.errcode !== BUSY) throw error;
      await new Promise((resolve) => setTimeout(resolve, this.busyRetryDelayMs));
      return this.code2Session(code);
    }
  }

  private async code2Session(code: string): Promise<WeChatIdentity> {
    const query = new URLSearchParams({
      appid: this.options.appId,
      secret: await this.options.appSecret(),
      js_code: code,
      grant_type: 'authorization_code',
    });
    const reply = await this.requestJson(`${this.baseUrl}/sns/jscode2session?${query}`);
    throwOnErrcode(reply, errcodeMeaning, 'WeChat refused the login');
    const { openid, session_key: sessionKey, unionid } = reply;
    if (!isNonEmptyString(openid) || !isNonEmptyString(sessionKey)) {
      throw unavailable('WeChat returned no identity');
    }
    return { openid, sessionKey, ...unionidField(unionid) };
  }

  /**
   * stable_token in normal mode: the same token until near its expiry, so every Lambda can share it. Never
   * force_refresh (WeChat allows that about 20 times a day). The secret travels in the POST body, not the URL.
   */
  async fetchStableToken(): Promise<AccessTokenGrant> {
    const reply = await this.postJson(`${this.baseUrl}/cgi-bin/stable_token`, {
      grant_type: 'client_credential',
      appid: this.options.appId,
      secret: await this.options.appSecret(),
      force_refresh: false,
    });
    throwOnErrcode(reply, stableTokenMeaning, 'WeChat refused the access token request');
    const { access_token: accessToken, expires_in: expiresInSeconds } = reply;
    if (!isNonEmptyString(accessToken) || typeof expiresInSeconds !== 'number' || !(expiresInSeconds > 0)) {
      throw unavailable('WeChat returned no access token');
    }
    return { accessToken, expiresInSeconds };
  }

  /**
   * checkSessionKey: whether WeChat still holds `sessionKey` as the user's session_key. Only a signature of it is
   * sent (HMAC-SHA256 of the empty string keyed with its base64 text). false on 87009 (invalid signature).
   */
  async checkSessionKey(input: { accessToken: string; openid: string; sessionKey: string }): Promise<boolean> {
    const query = new URLSearchParams({
      access_token: input.accessToken,
      signature: loginStateSignature(input.sessionKey),
      openid: input.openid,
      sig_method: 'hmac_sha256',
    });
    const reply = await this.requestJson(`${this.baseUrl}/wxa/checksession?${query}`);
    if (reply.errcode === SESSION_KEY_INVALID) return false;
    throwOnErrcode(reply, serverApiMeaning, 'WeChat could not check the session_key');
    return true;
  }

  /** getuserphonenumber: trades a getPhoneNumber button code (single-use) for the user's phone_info. */
  async getPhoneNumber(input: { accessToken: string; code: string }): Promise<PhoneInfo> {
    const query = new URLSearchParams({ access_token: input.accessToken });
    const reply = await this.postJson(`${this.baseUrl}/wxa/business/getuserphonenumber?${query}`, {
      code: input.code,
    });
    throwOnErrcode(reply, phoneNumberMeaning, 'WeChat could not return the phone number');
    const info = reply.phone_info as Partial<PhoneInfo> | undefined;
    if (
      typeof info !== 'object' ||
      info === null ||
      !isNonEmptyString(info.phoneNumber) ||
      !isNonEmptyString(info.purePhoneNumber)
    ) {
      throw unavailable('WeChat returned no phone number');
    }
    return info as PhoneInfo;
  }

  private postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
    return this.requestJson(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /**
   * Calls a WeChat API and parses its body as JSON whatever the Content-Type says (code2Session says text/plain).
   * URLs carry the secret or the access_token, so neither the URL nor the request reaches an error.
   */
  private async requestJson(url: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, { ...init, signal });
      text = await response.text();
    } catch (error) {
      // Only the error's name travels: a fetch error's message may quote the URL, and the URL holds the secret.
      throw unavailable(`WeChat could not be reached (${errorName(error)})`);
    }
    if (!response.ok) throw unavailable(`WeChat answered HTTP ${response.status}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw unavailable('WeChat sent a reply that is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw unavailable('WeChat sent an unexpected reply');
    }
    return body as Record<string, unknown>;
  }
}

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'unknown error');

export type { AccessTokenGrant, PhoneInfo, WeChatClientOptions };
export { isAccessTokenRejected, WeChatClient, WeChatError };
