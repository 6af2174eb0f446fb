/** Defaults shared by the functions, the stack and the local twin. */
const defaults = {
  /** Powertools' service name in every log line, unless POWERTOOLS_SERVICE_NAME says otherwise. */
  serviceName: 'wechat-login',
  /** Idle timeout: a session unused this long expires. */
  sessionTtlSeconds: 7 * 24 * 60 * 60,
  /** Absolute cap from login, however busy the session. */
  sessionMaxAgeSeconds: 30 * 24 * 60 * 60,
  /** Live sessions one user may hold per app; a login beyond it ends the user's oldest session. */
  maxSessionsPerUser: 10,
  /** The single-host default, kept for WECHAT_API_BASE_URL's documentation; the list below is what is used. */
  wechatApiBaseUrl: 'https://api.weixin.qq.com',
  /** WeChat's hosts in order of preference: the general host, then its documented disaster-recovery host. */
  wechatApiBaseUrls: ['https://api.weixin.qq.com', 'https://api2.weixin.qq.com'],
  /**
   * The host circuit breaker's window: after a host gave no answer (refused, reset, timed out, an error page), each
   * warm Lambda prefers the next host for this long, then tries the first again. WECHAT_HOST_BREAKER_SECONDS.
   */
  wechatHostBreakerSeconds: 30,
  /** Cap on one WeChat attempt (one host); the invocation's time budget may allow less, never more. */
  wechatTimeoutMs: 3000,
  /** No WeChat attempt starts with less time than this left in the budget: it could not finish. */
  wechatMinAttemptMs: 500,
  /**
   * Kept free of WeChat attempts at the end of the budget: the DynamoDB work after a WeChat reply (login's session
   * write) must still fit.
   */
  wechatReserveMs: 1000,
  /**
   * The invocation's time budget ends this long before Lambda's timeout (context.getRemainingTimeInMillis()): every
   * WeChat and DynamoDB call is aborted by then, leaving time to map the error and answer with its JSON body.
   */
  budgetSafetyMarginMs: 500,
  /**
   * The last resort: if a handler has still not answered this long before Lambda's timeout (a call not bound by the
   * budget), middy answers 503 in its place. Under budgetSafetyMarginMs, so it only fires when something else hung.
   */
  answerEarlyMarginMs: 250,
  /**
   * How long a login's reply is kept for a retry of the same code (sealed under a key derived from the code): about
   * the life of a wx.login() code, which is single-use and lives about 5 minutes.
   */
  loginReplaySeconds: 300,
  /** How often a request waiting for another request's login with the same code looks at the record again. */
  loginReplayPollMs: 100,
  /** Kept free at the end of the budget when waiting for another request's login: answering 409 must still fit. */
  loginReplayAnswerReserveMs: 300,
  /** Without a time budget (a bare call), how long to wait for another request's login, and hold a claimed code. */
  loginReplayMaxWaitMs: 8000,
  /** Cap on one DynamoDB attempt (the SDK retries once); the budget bounds the whole call. */
  dynamodbAttemptTimeoutMs: 1500,
  /** Cap on opening a connection to DynamoDB. */
  dynamodbConnectTimeoutMs: 1000,
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
