/** Defaults shared by the functions, the stack and the local twin. */
const defaults = {
  /** Powertools' service name in every log line, unless POWERTOOLS_SERVICE_NAME says otherwise. */
  serviceName: 'wechat-login',
  /** Idle timeout: a session unused this long expires. */
  sessionTtlSeconds: 7 * 24 * 60 * 60,
  /** Absolute cap from login, however busy the session. */
  sessionMaxAgeSeconds: 30 * 24 * 60 * 60,
  wechatApiBaseUrl: 'https://api.weixin.qq.com',
  /** Bound on one WeChat call; the login Lambda's own timeout leaves room for one retry after it. */
  wechatTimeoutMs: 3000,
  /** Pause before the single retry on errcode -1 (system busy). */
  wechatBusyRetryDelayMs: 200,
  /**
   * Renew the cached access_token when less than this is left. Under WeChat's own 5 minutes: stable_token only hands
   * out a new token in the last 5 minutes of the old one, so renewing earlier would fetch the same token again.
   */
  accessTokenRefreshMarginSeconds: 240,
  /** How long one caller may hold the refresh lock before others may take over (a bit over one WeChat call). */
  accessTokenLockLeaseMs: 5000,
  /** How long a caller waits for another caller's refresh before giving up with wechat_busy. */
  accessTokenMaxWaitMs: 3000,
  /** How often a waiting caller looks at the table again while another caller refreshes. */
  accessTokenPollMs: 100,
  /** While another caller refreshes, a cached token is still handed out if it has at least this long left. */
  accessTokenMinRemainingMs: 60_000,
  /**
   * After a failed access_token refresh, no caller in any Lambda tries again for this long (stored in the token
   * entry): a WeChat outage costs one stable_token call per back-off, not one per request.
   */
  accessTokenRefreshBackoffMs: 5000,
  /** Login attempts one client IP may make per UTC minute, counted before WeChat is asked (LOGIN_LIMIT_PER_IP_PER_MINUTE). */
  loginLimitPerIpPerMinute: 60,
  /** /wx/phone calls (each a billed getuserphonenumber) one user may make per UTC day (PHONE_LIMIT_PER_USER_PER_DAY). */
  phoneLimitPerUserPerDay: 10,
  /** WeChat's checksession is asked at most once per user in this window; calls within it get the last answer. */
  sessionKeyStatusWindowSeconds: 60,
} as const;

export { defaults };
