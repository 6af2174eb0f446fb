import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** Fixture handlers for the twin's LOCAL_ROUTES_FILE tests (test/support/local-routes/routes.json). */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleeps past any timeout the fixtures give it. */
export const sleepy = async (): Promise<unknown> => {
  await sleep(5000);
  return { statusCode: 200, body: 'woke up' };
};

/** Answers with what it received, the time it had left, and two cookies. */
export const echo = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
  body: JSON.stringify({
    event,
    remainingMs: context.getRemainingTimeInMillis(),
    functionName: context.functionName,
    memoryLimitInMB: context.memoryLimitInMB,
  }),
});

/** An answer above Lambda's 6 MB response limit. */
export const hugeAnswer = async (): Promise<unknown> => ({ statusCode: 200, body: 'x'.repeat(6 * 1024 * 1024 + 1) });
