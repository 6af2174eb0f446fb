import { describe, expect, it } from 'vitest';
import { API_GATEWAY_LIMITS, invokePayloadTooLarge, throttleFor } from '../../../../infra/local/gateway-limits.js';

describe("a route's throttle (token bucket)", () => {
  it('lets a burst through, refuses the next request, and refills at the rate', () => {
    let now = 1_000_000;
    const allow = throttleFor({ rateLimit: 2, burstLimit: 3 }, () => now);
    expect([allow(), allow(), allow(), allow()]).toEqual([true, true, true, false]);
    now += 499; // not quite one token at 2 a second
    expect(allow()).toBe(false);
    now += 1;
    expect(allow()).toBe(true);
    expect(allow()).toBe(false);
    now += 60_000; // never more than the burst, however long it rested
    expect(Array.from({ length: 5 }, () => allow())).toEqual([true, true, true, false, false]);
  });

  it('lets everything through when the route has no throttle', () => {
    const allow = throttleFor(undefined);
    expect(Array.from({ length: 1000 }, () => allow()).every(Boolean)).toBe(true);
  });
});

describe("Lambda's 6 MB invocation payload limit", () => {
  it('counts the JSON bytes of the payload, multi-byte characters included', () => {
    const limit = API_GATEWAY_LIMITS.maxInvokePayloadBytes;
    expect(invokePayloadTooLarge({ body: 'x'.repeat(limit - 20) })).toBe(false);
    expect(invokePayloadTooLarge({ body: 'x'.repeat(limit) })).toBe(true);
    expect(invokePayloadTooLarge({ body: '微'.repeat(Math.ceil(limit / 3)) })).toBe(true);
    expect(invokePayloadTooLarge(undefined)).toBe(false);
  });
});
