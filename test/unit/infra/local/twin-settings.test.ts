import { describe, expect, it } from 'vitest';
import { stageThrottles } from '../../../../functions/shared/contract/throttles.js';
import { readTwinSettings } from '../../../../infra/local/twin-settings.js';

describe("the twin's settings", () => {
  it('throttles with the stack defaults when nothing is set', () => {
    expect(readTwinSettings({}, 16).throttles).toEqual(stageThrottles);
  });

  it("takes throttle numbers as the stack does: the context key as a variable first, then cdk.json's context", () => {
    const settings = readTwinSettings({ throttleRateLimit: '7', loginThrottleBurstLimit: '3' }, 16, {
      throttleRateLimit: 99,
      throttleBurstLimit: '11',
    });
    expect(settings.throttles).toEqual({
      default: { rateLimit: 7, burstLimit: 11 },
      openRoutes: { rateLimit: stageThrottles.openRoutes.rateLimit, burstLimit: 3 },
    });
  });

  it('refuses malformed numbers by name', () => {
    expect(() => readTwinSettings({ throttleBurstLimit: 'lots' }, 16)).toThrow(/throttleBurstLimit must be a positive/);
    expect(() => readTwinSettings({}, 16, { loginThrottleRateLimit: 0 })).toThrow(/loginThrottleRateLimit/);
    expect(() => readTwinSettings({ PORT: '80a' }, 16)).toThrow(/PORT must be a whole number, got "80a"/);
    expect(() => readTwinSettings({ LOCAL_CONCURRENCY: '0' }, 16)).toThrow(/LOCAL_CONCURRENCY must be .* at least 1/);
  });
});
