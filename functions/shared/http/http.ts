import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { defaults } from '../contract/defaults.js';
import { logger } from '../runtime/logger.js';
import { AppError, type ErrorCode } from './errors.js';

/** The one map from error code to HTTP status. */
const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  decrypt_failed: 400,
  invalid_phone_code: 400,
  unknown_app: 400,
  invalid_code: 401,
  user_blocked: 403,
  not_found: 404,
  login_in_progress: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  wechat_misconfigured: 500,
  wechat_unavailable: 502,
  wechat_busy: 503,
  service_unavailable: 503,
};

/**
 * Every JSON answer: `Cache-Control: no-store`, because answers here carry session ids (login), identities (/me,
 * /sessions) or per-user data, which no browser, proxy or CDN may keep or hand to someone else.
 */
const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

const noContent = (): APIGatewayProxyStructuredResultV2 => ({ statusCode: 204 });

const errorBody = (code: ErrorCode, message: string) => ({ error: code, message });

/**
 * middy's JSON parser throws an HttpError for a missing or malformed body (422 in middy 7; 415 in older versions):
 * recognised by its package, not its status, and answered as the client's bad request (400).
 */
const isBodyParseError = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { cause?: { package?: string } }).cause?.package === '@middy/http-json-body-parser';

interface ErrorMapping {
  /**
   * The code a route answers for input it cannot use (a malformed body or a wrong shape), instead of `bad_request`:
   * /wx/decrypt answers every failure as `decrypt_failed`.
   */
  badInputAs?: ErrorCode;
  /** Appended to the message of such an answer: what the client should do next. */
  badInputHint?: string;
}

/** A refusal that knows when the client may come back (a limit, a login in progress) says so: RFC 9110 `Retry-After`, whole seconds. */
const withRetryAfter = (
  response: APIGatewayProxyStructuredResultV2,
  error: AppError
): APIGatewayProxyStructuredResultV2 =>
  error.retryAfterSeconds !== undefined
    ? { ...response, headers: { ...response.headers, 'retry-after': String(error.retryAfterSeconds) } }
    : response;

/** Turns any error into the contract's `{error, message}` response, logging what operators need. */
const toErrorResponse = (error: unknown, mapping: ErrorMapping = {}): APIGatewayProxyStructuredResultV2 => {
  const badInput = mapping.badInputAs ?? 'bad_request';
  const withHint = (message: string) => (mapping.badInputHint ? `${message}; ${mapping.badInputHint}` : message);
  if (error instanceof AppError) {
    const isBadInput = error.code === 'bad_request';
    const code = isBadInput ? badInput : error.code;
    const status = statusByCode[code];
    const detail = { code, ...error.logDetails };
    if (status >= 500) logger.error(error.message, { ...detail, error });
    else logger.info('request refused', detail);
    // A 500 means our own fault: the client learns nothing about our configuration, not even which part broke
    // (the log above keeps the real code).
    if (status === 500) return json(500, errorBody('internal_error', 'Internal server error'));
    const response = json(status, errorBody(code, isBadInput ? withHint(error.message) : error.message));
    return withRetryAfter(response, error);
  }
  if (isBodyParseError(error)) {
    return json(statusByCode[badInput], errorBody(badInput, withHint('The request body must be JSON')));
  }
  logger.error('unhandled error', { error: error as Error });
  return json(500, errorBody('internal_error', 'Internal server error'));
};

/** The one error mapper, last line of every HTTP handler's middy chain. */
const httpErrors = (
  mapping: ErrorMapping = {}
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  onError: async (request) => {
    request.response = toErrorResponse(request.error, mapping);
  },
});

/** Refuses bodies over `maxBytes` before anything parses them. Counts decoded bytes for base64 bodies. */
const bodySizeLimit = (maxBytes: number): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  before: async ({ event }) => {
    if (typeof event.body !== 'string') return;
    const bytes = Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
    if (bytes > maxBytes) {
      throw new AppError('payload_too_large', `The request body must be at most ${maxBytes} bytes`);
    }
  },
});

/**
 * middy's plugin options for handlers with a time budget: should the handler still not have answered
 * defaults.answerEarlyMarginMs before Lambda's timeout (something not bound by the budget hung), middy stops waiting
 * and the error mapper answers 503 `service_unavailable` with its JSON body, so the client never sees a Lambda
 * timeout.
 *
 * @example
 * middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(answerBeforeTimeout).use(httpErrors())
 */
const answerBeforeTimeout = {
  timeoutEarlyInMillis: defaults.answerEarlyMarginMs,
  timeoutEarlyResponse: (): never => {
    throw new AppError('service_unavailable', 'The service could not answer in time; try again shortly', {
      retryAfterSeconds: 1,
    });
  },
};

export type { ErrorMapping };
export { answerBeforeTimeout, bodySizeLimit, httpErrors, json, noContent };
