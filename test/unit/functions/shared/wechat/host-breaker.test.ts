import { describe, expect, it } from 'vitest';
import { HostBreaker } from '../../../../../functions/shared/wechat/host-breaker.js';

const A = 'https://api.weixin.qq.com';
const B = 'https://api2.weixin.qq.com';
const C = 'https://hk.api.weixin.qq.com';

const breakerAt = (hosts: string[], windowMs = 30_000) => {
  const clock = { now: 1_000_000 };
  return { breaker: new HostBreaker(hosts, windowMs, () => clock.now), clock };
};

describe('HostBreaker', () => {
  it('tries the hosts in the configured order while none has failed', () => {
    expect(breakerAt([A, B, C]).breaker.order()).toEqual([A, B, C]);
  });

  it('after a failure puts the failed host last for the window, then first again', () => {
    const { breaker, clock } = breakerAt([A, B], 30_000);
    breaker.failed(A);
    expect(breaker.order()).toEqual([B, A]);
    clock.now += 29_999;
    expect(breaker.order()).toEqual([B, A]);
    clock.now += 1;
    expect(breaker.order()).toEqual([A, B]);
  });

  it('a host that answers again is first in line at once', () => {
    const { breaker } = breakerAt([A, B]);
    breaker.failed(A);
    breaker.succeeded(A);
    expect(breaker.order()).toEqual([A, B]);
  });

  it('with every host resting, still offers all of them, the one that recovers soonest first', () => {
    const { breaker, clock } = breakerAt([A, B, C], 10_000);
    breaker.failed(B);
    clock.now += 1000;
    breaker.failed(A);
    expect(breaker.order()).toEqual([C, B, A]);
    breaker.failed(C);
    expect(breaker.order()).toEqual([B, A, C]);
  });

  it('keeps a single host whatever happens', () => {
    const { breaker } = breakerAt([A]);
    breaker.failed(A);
    expect(breaker.order()).toEqual([A]);
  });

  it('refuses an empty host list', () => {
    expect(() => new HostBreaker([], 1000)).toThrow(/at least one host/);
  });
});
