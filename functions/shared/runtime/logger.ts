import { Logger } from '@aws-lambda-powertools/logger';
import { readServiceName } from './config.js';

/**
 * One structured JSON logger per function. POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL tune it; events are
 * never logged whole, because their headers carry session ids.
 */
const logger = new Logger({ serviceName: readServiceName() });

export { logger };
