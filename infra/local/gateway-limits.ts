import type { ThrottleLimits } from '../../functions/shared/contract/throttles.js';
import { API_GATEWAY_AUTHORIZER_TIMEOUT_SECONDS } from '../function-sizing.js';

/**
 * The limits API Gateway (HTTP API) and Lambda enforce in front of a function, with the answers they give.
 * README, Local twin, lists each one and where the twin differs.
 */
const API_GATEWAY_LIMITS = {
  /** HTTP API quota: a request body above 10 MB is refused with 413 before anything runs. */
  maxRequestBodyBytes: 10 * 1024 * 1024,
  /**
   * Lambda's synchronous invocation payload limit (6 MB), for the event (the body base64-encoded when binary,
   * plus headers and context) and for the function's answer.
   */
  maxInvokePayloadBytes: 6 * 1024 * 1024,
  /** HTTP API's integration timeout (its maximum, and the default): past it API Gateway answers 503. */
  integrationTimeoutMs: 30_000,
  /** How long API Gateway waits for a Lambda authorizer before answering 500. */
  authorizerTimeoutMs: API_GATEWAY_AUTHORIZER_TIMEOUT_SECONDS * 1000,
} as const;

/** API Gateway's bodies for the answers it gives itself. */
const GATEWAY_MESSAGES = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
} as const;

/** True when `value` as JSON is above Lambda's invocation payload limit. */
const invokePayloadTooLarge = (value: unknown): boolean => {
  if (value === undefined) return false;
  return Buffer.byteLength(JSON.stringify(value) ?? '') > API_GATEWAY_LIMITS.maxInvokePayloadBytes;
};

/**
 * API Gateway's throttle for one route: a token bucket holding `burstLimit` tokens, refilled at `rateLimit` a
 * second; a request that finds it empty is refused (429). Without limits every request passes.
 */
const throttleFor = (limits: ThrottleLimits | undefined, clock: () => number = Date.now): (() => boolean) => {
  if (!limits) return () => true;
  let tokens = limits.burstLimit;
  let refilledAt = clock();
  return () => {
    const now = clock();
    tokens = Math.min(limits.burstLimit, tokens + ((now - refilledAt) / 1000) * limits.rateLimit);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
};

export type { ThrottleLimits };
export { API_GATEWAY_LIMITS, GATEWAY_MESSAGES, invokePayloadTooLarge, throttleFor };
