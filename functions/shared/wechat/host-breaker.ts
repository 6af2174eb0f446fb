type Clock = () => number;

/**
 * Which WeChat host to try first, per warm Lambda: a small circuit breaker over an ordered list of hosts. A host that
 * gave no answer (refused, reset, timed out, sent an error page) moves behind the others for `windowMs`, so an outage
 * costs one request a timeout, not every request; once the window has passed it is first in line again.
 *
 * @example
 * const hosts = new HostBreaker(['https://api.weixin.qq.com', 'https://api2.weixin.qq.com'], 30_000);
 * for (const host of hosts.order()) { ... hosts.failed(host) ... or hosts.succeeded(host) ... }
 */
class HostBreaker {
  /** Host → epoch ms until which it is tried last. */
  private readonly openUntil = new Map<string, number>();

  constructor(
    readonly hosts: readonly string[],
    private readonly windowMs: number,
    private readonly clock: Clock = Date.now
  ) {
    if (hosts.length === 0) throw new Error('HostBreaker needs at least one host');
  }

  /**
   * Every host, each once: those not in their window in configured order, then those in their window, soonest to
   * recover first (a host in its window is still better than no answer at all).
   */
  order(): string[] {
    const now = this.clock();
    const healthy = this.hosts.filter((host) => (this.openUntil.get(host) ?? 0) <= now);
    const resting = this.hosts
      .filter((host) => (this.openUntil.get(host) ?? 0) > now)
      .sort((a, b) => (this.openUntil.get(a) ?? 0) - (this.openUntil.get(b) ?? 0));
    return [...healthy, ...resting];
  }

  /** The host gave no WeChat answer: try the others first for the window. */
  failed(host: string): void {
    this.openUntil.set(host, this.clock() + this.windowMs);
  }

  /** The host answered: it is first in line again. */
  succeeded(host: string): void {
    this.openUntil.delete(host);
  }
}

export { HostBreaker };
