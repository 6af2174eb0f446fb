/**
 * API Gateway's stage throttles, written once: the stack's defaults (CDK context `throttleRateLimit`,
 * `throttleBurstLimit`, `loginThrottleRateLimit`, `loginThrottleBurstLimit` override them) and the numbers the local
 * twin throttles with. They are cost caps, not abuse protection: they bound what the whole API can be made to spend
 * (Lambda concurrency, requests billed) for all clients together; README "Security" has the arithmetic.
 */
interface ThrottleLimits {
  /** Steady-state requests per second, for all clients together. */
  readonly rateLimit: number;
  /** Requests absorbed at once above the rate (the token bucket's size). */
  readonly burstLimit: number;
}

const stageThrottles = {
  /**
   * Every route without its own setting. About 20 Lambdas busy at once when handlers answer in tens of
   * milliseconds (authorizer + handler, about 0.1 s per request); about $1.17 an hour if held there (README, Deploy).
   */
  default: { rateLimit: 200, burstLimit: 400 },
  /**
   * The routes anyone can call without a session (POST /login). While WeChat is slow a login takes up to about
   * 6.5 s (two 3 s code2Session attempts), so 25 a second keep about 160 login Lambdas busy at most: well inside
   * the 1,000 concurrent executions a region's account gets by default.
   */
  openRoutes: { rateLimit: 25, burstLimit: 50 },
} as const satisfies Record<string, ThrottleLimits>;

/** The CDK context keys (and, for the twin, the same names) that override each number. */
const throttleContextKeys = {
  default: { rateLimit: 'throttleRateLimit', burstLimit: 'throttleBurstLimit' },
  openRoutes: { rateLimit: 'loginThrottleRateLimit', burstLimit: 'loginThrottleBurstLimit' },
} as const satisfies Record<keyof typeof stageThrottles, Record<keyof ThrottleLimits, string>>;

export type { ThrottleLimits };
export { stageThrottles, throttleContextKeys };
