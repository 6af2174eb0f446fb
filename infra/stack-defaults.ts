import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { stageThrottles } from '../functions/shared/contract/throttles.js';

/**
 * What the login API uses for a prop that is left out, where the default is infrastructure's own (session and WeChat
 * defaults live in functions/shared/contract/defaults.ts, shared with the functions and the twin). infra/context.ts
 * reads these too.
 */
const stackDefaults = {
  /** No cache: a cached allow would outlive logout and expiry. */
  authorizerCacheTtl: Duration.seconds(0),
  /** functions/shared/contract/throttles.ts, shared with the twin. */
  throttle: stageThrottles.default,
  loginThrottle: stageThrottles.openRoutes,
  logRetention: RetentionDays.ONE_MONTH,
} as const;

export { stackDefaults };
