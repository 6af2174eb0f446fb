/**
 * The twin's stage throttles raised out of the way: the load, fuzz, client and benchmark runs send bursts above the
 * stack's numbers. Tests of the throttles themselves set their own (the names are the stack's CDK context keys).
 */
const UNTHROTTLED: Readonly<Record<string, string>> = {
  throttleRateLimit: '1000000',
  throttleBurstLimit: '1000000',
  loginThrottleRateLimit: '1000000',
  loginThrottleBurstLimit: '1000000',
};

export { UNTHROTTLED };
