import { defaults } from '../contract/defaults.js';
import { metricValues } from '../contract/metrics.js';
import { metrics, type WeChatApi } from '../runtime/metrics.js';
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
import { WeChatTransport } from './transport.js';
import { unavailable, WeChatError } from './wechat-error.js';

interface WeChatClientOptions {
  appId: string;
  /** Resolves the app secret; called per exchange so a cached provider can rotate. */
  appSecret: () => Promise<string>;
  /** WeChat's hosts in order of preference (default: the general host, then api2). Wins over `apiBaseUrl`. */
  apiBaseUrls?: readonly string[];
  /** One host: the same as `apiBaseUrls: [apiBaseUrl]`. */
  apiBaseUrl?: string;
  /** How long a host that gave no answer is tried after the others. Default defaults.ts. */
  hostBreakerMs?: number;
  /** Cap on one attempt; inside a time budget (runtime/time-budget.ts) an attempt may get less, never more. */
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
 * Talks to WeChat's server APIs, failing over along the configured hosts (transport.ts). The request URL of
 * code2Session carries the app secret, so no URL, query or raw reply ever reaches an error message or a log line.
 *
 * @example
 * const wechat = new WeChatClient({ appId, appSecret: async () => secret });
 * const { openid, sessionKey } = await wechat.exchangeCode(code);
 */
class WeChatClient {
  /** How requests reach WeChat: the hosts, the breaker, the time budget. */
  readonly transport: WeChatTransport;
  private readonly busyRetryDelayMs: number;

  constructor(private readonly options: WeChatClientOptions) {
    this.transport = new WeChatTransport({
      ...(options.apiBaseUrls || options.apiBaseUrl
        ? { hosts: options.apiBaseUrls ?? [options.apiBaseUrl ?? ''] }
        : {}),
      ...(options.hostBreakerMs !== undefined ? { hostBreakerMs: options.hostBreakerMs } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.busyRetryDelayMs = options.busyRetryDelayMs ?? defaults.wechatBusyRetryDelayMs;
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
    const reply = await counted(apis.code2Session, this.transport.getJson(`/sns/jscode2session?${query}`));
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
    const reply = await counted(
      apis.stableToken,
      this.transport.postJson('/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        appid: this.options.appId,
        secret: await this.options.appSecret(),
        force_refresh: false,
      })
    );
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
    const reply = await counted(apis.checkSession, this.transport.getJson(`/wxa/checksession?${query}`));
    if (reply.errcode === SESSION_KEY_INVALID) return false;
    throwOnErrcode(reply, serverApiMeaning, 'WeChat could not check the session_key');
    return true;
  }

  /**
   * getuserphonenumber: trades a getPhoneNumber button code (single-use) for the user's phone_info. With `openid`,
   * WeChat redeems the code only if it was issued to that user, so one user's session cannot redeem another's code.
   */
  async getPhoneNumber(input: { accessToken: string; code: string; openid?: string }): Promise<PhoneInfo> {
    const query = new URLSearchParams({ access_token: input.accessToken });
    const reply = await counted(
      apis.phoneNumber,
      this.transport.postJson(`/wxa/business/getuserphonenumber?${query}`, {
        code: input.code,
        ...(input.openid !== undefined ? { openid: input.openid } : {}),
      })
    );
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
}

const apis = metricValues.wechatApis;

/** Counts WeChat's answer by its errcode (0 when it sent none), or its absence, and hands the reply on. */
const counted = async <T extends { errcode?: unknown }>(api: WeChatApi, pending: Promise<T>): Promise<T> => {
  let reply: T;
  try {
    reply = await pending;
  } catch (error) {
    metrics.wechatCall(api, undefined);
    throw error;
  }
  metrics.wechatCall(api, typeof reply.errcode === 'number' ? reply.errcode : 0);
  return reply;
};

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

export type { AccessTokenGrant, PhoneInfo, WeChatClientOptions };
export { WeChatClient };
