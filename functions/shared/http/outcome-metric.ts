import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError } from './errors.js';

type HttpRequest = Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/** `success` for a 2xx/3xx answer, else the `error` code the client got (`invalid_code`, `rate_limited`, ...). */
const outcomeOf = (response: APIGatewayProxyStructuredResultV2 | undefined | null): string => {
  const status = response?.statusCode ?? 500;
  if (status < 400) return 'success';
  try {
    const { error } = JSON.parse(String(response?.body)) as { error?: unknown };
    if (typeof error === 'string') return error;
  } catch {}
  return `http_${status}`;
};

/**
 * Counts each answer of a route by its outcome: `success`, or the refusal's code. The code is the typed error's own
 * (`wechat_misconfigured` counts as such, though the client only sees `internal_error`), else the one the client got.
 * Register it BEFORE httpErrors(), so that its onError runs after the error mapper has turned the error into the
 * answer (middy runs onError in reverse order).
 *
 * @example
 * middy().use(countOutcomes(metrics.login)).use(httpErrors())...
 */
const countOutcomes = (
  record: (outcome: string) => void
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => {
  const count = async (request: HttpRequest): Promise<void> => {
    record(request.error instanceof AppError ? request.error.code : outcomeOf(request.response));
  };
  return { after: count, onError: count };
};

export { countOutcomes, outcomeOf };
