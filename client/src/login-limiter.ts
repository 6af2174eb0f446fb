import { loginError } from './errors.js';

const WINDOW_MS = 60_000;

/**
 * At most `maxPerMinute` login attempts in any 60 s, so no bug, server fault or denial loop can turn a client
 * into a wx.login storm (each login rotates the session_key and counts against WeChat's per-user quota).
 */
class LoginLimiter {
  private readonly attempts: number[] = [];

  constructor(
    private readonly maxPerMinute: number,
    private readonly now: () => number
  ) {}

  /** Records an attempt, or throws LoginError `too_many_logins` when the window is full. */
  take(): void {
    const now = this.now();
    while (this.attempts.length > 0 && (this.attempts[0] as number) <= now - WINDOW_MS) this.attempts.shift();
    if (this.attempts.length >= this.maxPerMinute) {
      const retryAfterMs = (this.attempts[0] as number) + WINDOW_MS - now;
      throw loginError('too_many_logins', `at most ${this.maxPerMinute} a minute`, retryAfterMs);
    }
    this.attempts.push(now);
  }
}

export { LoginLimiter };
