/**
 * The business metrics, named once. The functions emit them (CloudWatch embedded metric format, through
 * functions/shared/runtime/metrics.ts) and the stack's alarms and dashboard read them (infra/constructs/), so a
 * renamed metric or dimension cannot leave an alarm watching nothing.
 *
 * Every metric carries the `service` dimension (Powertools' default dimension, the function's
 * POWERTOOLS_SERVICE_NAME), so two stacks in one account and region keep their figures apart when their service
 * names differ. Each metric is emitted with every dimension set listed in `metricDimensionSets` (service always
 * included), so an alarm can watch a total without summing every combination.
 */
const METRICS_NAMESPACE = 'WeChatLogin';

const metricNames = {
  /** One per POST /login answer; `outcome` is `success` or the refusal's error code (`invalid_code`, ...). */
  login: 'Login',
  /** One per login that created the user record (the first login of this openid, ever). */
  newUser: 'NewUser',
  /** One per authorizer answer: `decision` allow or deny, `reason` why. */
  authorizerDecision: 'AuthorizerDecision',
  /** One per answer from a WeChat API (or none): `api` which one, `errcode` what it said. */
  wechatCall: 'WeChatCall',
  /** One per request refused by one of the project's own rate limits; `limit` names the limit. */
  rateLimitRefusal: 'RateLimitRefusal',
  /** One per access_token refresh through stable_token; `outcome` success or failure. */
  accessTokenRefresh: 'AccessTokenRefresh',
} as const;

type MetricName = (typeof metricNames)[keyof typeof metricNames];

const metricDimensions = {
  service: 'service',
  outcome: 'outcome',
  decision: 'decision',
  reason: 'reason',
  api: 'api',
  errcode: 'errcode',
  limit: 'limit',
} as const;

type MetricDimension = (typeof metricDimensions)[keyof typeof metricDimensions];

/** The dimension sets each metric is emitted with, besides `service` (which every set includes). */
const metricDimensionSets: Readonly<Record<MetricName, readonly (readonly MetricDimension[])[]>> = {
  Login: [[], ['outcome']],
  NewUser: [[]],
  AuthorizerDecision: [['decision'], ['decision', 'reason']],
  WeChatCall: [[], ['errcode'], ['api', 'errcode']],
  RateLimitRefusal: [[], ['limit']],
  AccessTokenRefresh: [['outcome']],
};

/** Values of the dimensions with a closed set of values. */
const metricValues = {
  loginSuccess: 'success',
  decisions: { allow: 'allow', deny: 'deny' },
  /**
   * Why the authorizer answered as it did: an allow is `live` (session valid, nothing written) or `renewed` (valid,
   * and its idle expiry pushed forward); a deny is `malformed` (not a session id), `unknown` (no such session:
   * never issued, logged out or deleted by TTL) or `expired` (idle timeout or absolute cap passed).
   */
  authorizerReasons: {
    live: 'live',
    renewed: 'renewed',
    malformed: 'malformed',
    unknown: 'unknown',
    expired: 'expired',
  },
  /** The WeChat APIs the functions call, by their path's last segment. */
  wechatApis: {
    code2Session: 'jscode2session',
    stableToken: 'stable_token',
    checkSession: 'checksession',
    phoneNumber: 'getuserphonenumber',
  },
  /**
   * errcode values that alarms watch. `none` stands for "no WeChat answer" (timeout, network error, not WeChat's
   * JSON); otherwise the errcode as WeChat sent it, 0 for success.
   */
  errcodes: {
    ok: '0',
    noAnswer: 'none',
    busy: '-1',
    invalidAppId: '40013',
    invalidAppSecret: '40125',
    accessTokenInvalid: '40001',
    loginTooFrequent: '45011',
  },
  refreshOutcomes: { success: 'success', failure: 'failure' },
} as const;

export type { MetricDimension, MetricName };
export { METRICS_NAMESPACE, metricDimensionSets, metricDimensions, metricNames, metricValues };
