import { createHash, timingSafeEqual } from 'node:crypto';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_STAGE_VARIABLE } from '../contract/front-door.js';

/** What the check reads: the request's (lower-cased, payload 2.0) headers and the stage's variables. */
interface OriginEvent {
  readonly headers?: Record<string, string | undefined> | null;
  readonly stageVariables?: Record<string, string | undefined> | null;
}

/** Payload 2.0 lower-cases header names. */
const ORIGIN_VERIFY_HEADER_KEY = ORIGIN_VERIFY_HEADER.toLowerCase();

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether the request came through the front door: true when the stage has no origin-verify variable (no front
 * door), otherwise only when the header equals it (compared in constant time). Fails closed: a missing header, or a
 * stage variable that is set but empty, is a refusal.
 */
const cameThroughFrontDoor = (event: OriginEvent): boolean => {
  const expected = event.stageVariables?.[ORIGIN_VERIFY_STAGE_VARIABLE];
  if (expected === undefined) return true;
  const given = event.headers?.[ORIGIN_VERIFY_HEADER_KEY];
  if (!expected || given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected));
};

/** API Gateway's own refusal, so a request that skipped CloudFront learns nothing more than a denied one. */
const forbidden = (): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 403,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'Forbidden' }),
});

/** Middleware for the open routes (POST /login): answers 403 before the handler runs to a request that skipped the front door. */
const requireFrontDoor = (): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  before: (request) => (cameThroughFrontDoor(request.event) ? undefined : forbidden()),
});

export type { OriginEvent };
export { cameThroughFrontDoor, requireFrontDoor };
