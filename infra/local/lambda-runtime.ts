import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/**
 * How the twin invokes a function, as the Lambda service does: a context whose remaining time counts down from the
 * function's configured timeout, and an invocation that ends at that timeout whatever the handler is still doing.
 */

/** What a Lambda module exports; the twin calls it exactly as the Lambda runtime would. */
type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** A deployed function as the twin sees it: its name and the sizing the stack gives it. */
interface LocalFunction {
  readonly name: string;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
}

/**
 * How an invocation ended. `timed_out`: the function's own timeout passed (Lambda ends it: an error);
 * `abandoned`: the caller stopped waiting first (API Gateway's integration or authorizer limit).
 */
type Invocation =
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'timed_out' }
  | { readonly kind: 'abandoned' };

/** Lambda's own message for an invocation that reached its timeout. */
const timeoutMessage = (fn: LocalFunction): string => `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`;

/** The context object Lambda hands a handler: `getRemainingTimeInMillis` counts down to `deadline` (epoch ms). */
const lambdaContext = (fn: LocalFunction, deadline: number, requestId: string = randomUUID()): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: fn.name,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn.name}`,
  memoryLimitInMB: String(fn.memorySizeMb),
  awsRequestId: requestId,
  logGroupName: `/aws/lambda/${fn.name}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/**
 * Invokes `handler` with a fresh context and ends the invocation at the function's timeout, or earlier when the
 * caller gives up first (`waitLimitMs`). The handler's promise cannot be stopped in this process: when the twin
 * stops waiting, the work goes on in the background (on AWS the sandbox is frozen), and its answer is dropped.
 */
const invokeFunction = async (
  fn: LocalFunction,
  handler: LambdaHandler,
  event: unknown,
  waitLimitMs = Number.POSITIVE_INFINITY
): Promise<Invocation> => {
  const timeoutMs = fn.timeoutSeconds * 1000;
  const context = lambdaContext(fn, Date.now() + timeoutMs);
  const callerGivesUpFirst = waitLimitMs < timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Invocation>((resolve) => {
    timer = setTimeout(
      () => resolve(callerGivesUpFirst ? { kind: 'abandoned' } : { kind: 'timed_out' }),
      Math.min(timeoutMs, waitLimitMs)
    );
  });
  const run = (async (): Promise<Invocation> => ({ kind: 'returned', value: await handler(event, context) }))().catch(
    (error: unknown): Invocation => ({ kind: 'failed', error })
  );
  try {
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
};

export type { Invocation, LambdaHandler, LocalFunction };
export { invokeFunction, lambdaContext, timeoutMessage };
