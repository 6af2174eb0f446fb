import { defaults } from '../contract/defaults.js';
import { unionidField, type WeChatIdentity } from '../sessions/identity.js';
import { loginStateSignature } from './crypto.js';
import {
  BUSY,
  errcodeMeaning,
  phoneNumberMeaning,
  SESSION_KEY_INVALID,
  serverApiMeaning,
  stableTokenMeaning,
  throwOnErrcode,
} from './errcodes.js';
import { unavailable, WeChatError } from './wechat-error.js';

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
export { WeChatClient };
