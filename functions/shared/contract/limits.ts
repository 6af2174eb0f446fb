/**
 * The per-client limits' names (functions/shared/limits), written once: the refusal's log line carries one as
 * `limit`, and a metric or dashboard of refusals can use the same values as a dimension.
 */
const limitNames = {
  /** POST /login attempts per client IP per UTC minute (LOGIN_LIMIT_PER_IP_PER_MINUTE). */
  loginPerIp: 'login_per_ip',
  /** POST /wx/phone lookups per user per UTC day (PHONE_LIMIT_PER_USER_PER_DAY). */
  phonePerUser: 'phone_per_user',
  /** GET /wx/session-key/status: WeChat asked at most once per user per window. */
  sessionKeyCheckPerUser: 'session_key_check_per_user',
} as const;

type LimitName = (typeof limitNames)[keyof typeof limitNames];

export type { LimitName };
export { limitNames };
