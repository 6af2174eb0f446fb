import { defaults } from './defaults.js';
import { AppError, type ErrorCode } from './errors.js';
import type { WeChatIdentity } from './session-store.js';

/** A WeChat failure, already classified. `errcode` is WeChat's number when it sent one (for logs, never clients). */
class WeChatError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly errcode?: number,
    options?: { cause?: unknown }
  ) {
    super(code, message, options);
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

const BUSY = -1;

/** errcode → how login answers it. Anything not listed means WeChat could not serve us: wechat_unavailable. */
const errcodeMeaning: Record<number, [ErrorCode, string]> = {
  40029: ['invalid_code', 'The login code is invalid; call wx.login() again'],
  40163: ['invalid_code', 'The login code was already used; call wx.login() again'],
  40226: ['user_blocked', 'WeChat blocked this login as high-risk'],
  45011: ['rate_limited', 'Too many logins for this user; try again in a minute'],
  [BUSY]: ['wechat_busy', 'WeChat is busy; try again shortly'],
  40013: ['wechat_misconfigured', 'The server is misconfigured'],
  40125: ['wechat_misconfigured', 'The server is misconfigured'],
};

const unavailable = (message: string, errcode?: number, cause?: unknown): WeChatError =>
  new WeChatError('wechat_unavailable', message, errcode, { cause });

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
    const reply = await this.getJson(`${this.baseUrl}/sns/jscode2session?${query}`);
    const errcode = reply.errcode;
    if (errcode !== undefined && errcode !== 0) {
      const meaning = typeof errcode === 'number' ? errcodeMeaning[errcode] : undefined;
      if (meaning) throw new WeChatError(meaning[0], meaning[1], errcode as number);
      throw unavailable('WeChat refused the login', typeof errcode === 'number' ? errcode : undefined);
    }
    const { openid, session_key: sessionKey, unionid } = reply;
    if (!isNonEmptyString(openid) || !isNonEmptyString(sessionKey)) {
      throw unavailable('WeChat returned no identity');
    }
    return { openid, sessionKey, ...(isNonEmptyString(unionid) ? { unionid } : {}) };
  }

  /** GETs a WeChat API and parses its body as JSON whatever the Content-Type says (code2Session says text/plain). */
  private async getJson(url: string): Promise<Record<string, unknown>> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, { signal });
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

const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0;

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'unknown error');

export { WeChatClient, WeChatError };
export type { WeChatClientOptions };
