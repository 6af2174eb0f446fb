import { usePowertoolsMetrics } from '../../functions/shared/runtime/powertools-metrics.js';

/**
 * Not deployed: the authorizer as it would be with Powertools Metrics instead of the lean EMF writer (runtime/metrics.ts),
 * so `npm run bench` shows what the package would add to its cold start (README, Operations).
 */
usePowertoolsMetrics();

export { handler } from '../../functions/authorizer/handler.js';
