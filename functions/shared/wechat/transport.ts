import { defaults } from '../contract/defaults.js';
import { logger } from '../runtime/logger.js';
import { currentBudget } from '../runtime/time-budget.js';
import { HostBreaker } from './host-breaker.js';
import { unavailable, type WeChatError } from './wechat-error.js';

interface WeChatTransportOptions {
  /** WeChat's hosts in order of preference. Default defaults.ts (the general host, then api2). */
  hosts?: readonly string[];
  /** How long a host that gave no answer is tried after the others. Default defaults.ts. */
  hostBreakerMs?: number;
  /** Cap on one attempt; inside a time budget (runtime/time-budget.ts) an attempt may get less, never more. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

type JsonObject = Record<string, unknown>;

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'unknown error');

/**
 * How requests reach WeChat: over an ordered list of hosts, moving to the next host only when no WeChat answer
 * arrived (see `attempt`), never after WeChat answered, errcode or not (a login code is single-use: re-sending it
 * elsewhere only burns it). A per-warm-Lambda breaker remembers a host that gave no answer; every attempt fits in the
 * invocation's time budget. Paths carry the secret or the access_token, so no URL reaches an error or a log line.
 *
 * @example
 * const transport = new WeChatTransport({ hosts: ['https://api.weixin.qq.com', 'https://api2.weixin.qq.com'] });
 * const reply = await transport.getJson(`/sns/jscode2session?${query}`);
 */
class WeChatTransport {
  /** The hosts and which to try first; one per client, so per warm Lambda. */
  readonly hosts: HostBreaker;
  private readonly timeoutMs: number;
  private readonly fetch: typeof globalThis.fetch;

  constructor(options: WeChatTransportOptions = {}) {
    this.hosts = new HostBreaker(
      (options.hosts ?? defaults.wechatApiBaseUrls).map((host) => host.replace(/\/+$/, '')),
      options.hostBreakerMs ?? defaults.wechatHostBreakerSeconds * 1000
    );
    this.timeoutMs = options.timeoutMs ?? defaults.wechatTimeoutMs;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  getJson(path: string): Promise<JsonObject> {
    return this.request(path, {});
  }

  postJson(path: string, body: unknown): Promise<JsonObject> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** `path` (with its query) on the first host that answers, in the breaker's order; each host at most once. */
  private async request(path: string, init: RequestInit): Promise<JsonObject> {
    let lastFailure: WeChatError | undefined;
    const order = this.hosts.order();
    for (const [index, host] of order.entries()) {
      const timeoutMs = this.attemptTimeoutMs(order.length - index);
      if (timeoutMs === undefined) throw lastFailure ?? unavailable('WeChat could not be asked in the time left');
      const outcome = await this.attempt(`${host}${path}`, init, timeoutMs);
      if (!(outcome instanceof Error)) {
        this.hosts.succeeded(host);
        return outcome;
      }
      this.hosts.failed(host);
      // Only the host (no path, no query) and what went wrong.
      logger.warn('WeChat host gave no answer; trying the next one', { host, reason: outcome.message });
      lastFailure = outcome;
    }
    throw lastFailure ?? unavailable('WeChat could not be reached');
  }

  /**
   * The cap, cut to an equal share (among the `hostsLeft` hosts still to try) of what the invocation's budget leaves
   * after the reserve, so a hanging host never takes the next host's turn; undefined when that is too little.
   */
  private attemptTimeoutMs(hostsLeft: number): number | undefined {
    const budget = currentBudget();
    if (!budget) return this.timeoutMs;
    const share = Math.floor((budget.remainingMs() - defaults.wechatReserveMs) / hostsLeft);
    return budget.attemptTimeoutMs({
      capMs: Math.min(this.timeoutMs, Math.max(share, defaults.wechatMinAttemptMs)),
      reserveMs: defaults.wechatReserveMs,
      minMs: defaults.wechatMinAttemptMs,
    });
  }

  /**
   * One request to one host, its body parsed as JSON whatever the Content-Type says (code2Session says text/plain).
   * WeChat's JSON object, or a WeChatError when no WeChat answer arrived: the connection failed (refused, reset, DNS)
   * or timed out, or the reply was not WeChat's JSON (an HTTP error status, an HTML page, no body).
   */
  private async attempt(url: string, init: RequestInit, timeoutMs: number): Promise<JsonObject | WeChatError> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      text = await response.text();
    } catch (error) {
      // Only the error's name travels: a fetch error's message may quote the URL, and the URL holds the secret.
      return unavailable(`WeChat could not be reached (${errorName(error)})`);
    }
    if (!response.ok) return unavailable(`WeChat answered HTTP ${response.status}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return unavailable('WeChat sent a reply that is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return unavailable('WeChat sent an unexpected reply');
    }
    return body as JsonObject;
  }
}

export type { WeChatTransportOptions };
export { WeChatTransport };
