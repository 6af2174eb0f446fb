import { describe, expect, it } from 'vitest';
import { invokeFunction, lambdaContext } from '../../../../infra/local/lambda-runtime.js';

const fn = (timeoutSeconds: number) => ({ name: 'f', timeoutSeconds, memorySizeMb: 512 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a local Lambda invocation', () => {
  it("counts the context's remaining time down from the function's timeout", async () => {
    const context = lambdaContext(fn(3), Date.now() + 3000);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(2900);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(3000);
    await sleep(200);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(2800);
    expect(context.memoryLimitInMB).toBe('512');
    expect(context.functionName).toBe('f');
  });

  it('returns the value, or the error the handler threw', async () => {
    expect(await invokeFunction(fn(1), async () => 42, {})).toEqual({ kind: 'returned', value: 42 });
    const error = new Error('boom');
    expect(
      await invokeFunction(
        fn(1),
        async () => {
          throw error;
        },
        {}
      )
    ).toEqual({ kind: 'failed', error });
  });

  it("ends at the function's timeout, or earlier as abandoned when the caller's limit comes first", async () => {
    const slow = () => sleep(1500).then(() => 'late');
    const started = Date.now();
    expect(await invokeFunction(fn(1), slow, {})).toEqual({ kind: 'timed_out' });
    expect(Date.now() - started).toBeLessThan(1400);
    expect(await invokeFunction(fn(1), slow, {}, 200)).toEqual({ kind: 'abandoned' });
    expect(await invokeFunction(fn(1), slow, {}, 5000)).toEqual({ kind: 'timed_out' });
  });
});
