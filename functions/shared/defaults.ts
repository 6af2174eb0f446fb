/** Defaults shared by the functions, the stack and the local twin. */
const defaults = {
  /** Idle timeout: a session unused this long expires. */
  sessionTtlSeconds: 7 * 24 * 60 * 60,
  /** Absolute cap from login, however busy the session. */
  sessionMaxAgeSeconds: 30 * 24 * 60 * 60,
  wechatApiBaseUrl: 'https://api.weixin.qq.com',
  /** Bound on one WeChat call; the login Lambda's own timeout leaves room for one retry after it. */
  wechatTimeoutMs: 3000,
  /** Pause before the single retry on errcode -1 (system busy). */
  wechatBusyRetryDelayMs: 200,
} as const;

export { defaults };
