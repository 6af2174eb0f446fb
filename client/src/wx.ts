/**
 * The part of the mini program's `wx` this library uses, typed structurally so tests can hand in a fake. The build
 * checks that the real `wx` (miniprogram-api-typings) fits this shape: see global-wx.ts.
 */
type HttpMethod = 'OPTIONS' | 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'TRACE' | 'CONNECT';

// wx.request takes any object as `data`; `object` (not `Record<string, unknown>`) lets callers pass their own interfaces.
type RequestData = string | object | ArrayBuffer;

interface WxRequestSuccess {
  statusCode: number;
  data: unknown;
  header: Record<string, unknown>;
}

interface WxCallbackResult {
  errMsg: string;
}

interface WxRequestOption {
  url: string;
  method?: HttpMethod;
  data?: RequestData;
  header?: Record<string, string>;
  timeout?: number;
  dataType?: string;
  responseType?: 'text' | 'arraybuffer';
  success?: (result: WxRequestSuccess) => void;
  fail?: (error: WxCallbackResult) => void;
}

interface WxLike {
  login(option: { success?: (result: { code: string }) => void; fail?: (error: WxCallbackResult) => void }): void;
  checkSession(option: { success?: () => void; fail?: () => void }): void;
  request(option: WxRequestOption): unknown;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, data: unknown): void;
  removeStorageSync(key: string): void;
  /** The running mini program's account info; its `miniProgram.appId` is sent with each login. */
  getAccountInfoSync?(): { miniProgram: { appId: string } };
}

/** wx.login as a promise of the code. */
const wxLogin = (api: WxLike): Promise<string> =>
  new Promise((resolve, reject) => {
    api.login({ success: (result) => resolve(result.code), fail: reject });
  });

/** How long wx.checkSession may take before its silence counts as "expired" rather than blocking every request. */
const CHECK_SESSION_TIMEOUT_MS = 5000;

/**
 * wx.checkSession as a promise of "is the session_key still valid". Its `fail`, or no answer within `timeoutMs`,
 * resolves false; it rejects only if wx.checkSession itself throws, which the caller must treat as "unknown".
 */
const wxCheckSession = (api: WxLike, timeoutMs = CHECK_SESSION_TIMEOUT_MS): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const settle = (valid: boolean) => {
      clearTimeout(timer);
      resolve(valid);
    };
    api.checkSession({ success: () => settle(true), fail: () => settle(false) });
  });

/** The running mini program's AppID, or undefined where wx cannot tell (an old base library, a test fake). */
const wxAppId = (api: WxLike): string | undefined => {
  try {
    const appId = api.getAccountInfoSync?.().miniProgram.appId;
    return typeof appId === 'string' && appId !== '' ? appId : undefined;
  } catch {
    return undefined;
  }
};

export type { HttpMethod, RequestData, WxCallbackResult, WxLike, WxRequestOption, WxRequestSuccess };
export { wxAppId, wxCheckSession, wxLogin };
