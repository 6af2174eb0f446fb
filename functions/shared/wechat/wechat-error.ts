import { AppError, type ErrorCode } from '../http/errors.js';

/** A WeChat failure, already classified. `errcode` is WeChat's number when it sent one (for logs, never clients). */
class WeChatError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly errcode?: number,
    options?: { cause?: unknown }
  ) {
    super(code, message, { ...options, logDetails: { errcode } });
    this.name = 'WeChatError';
  }
}

/** WeChat could not serve us: unreachable, an HTTP error, a reply we cannot read, or an errcode with no meaning. */
const unavailable = (message: string, errcode?: number, cause?: unknown): WeChatError =>
  new WeChatError('wechat_unavailable', message, errcode, { cause });

export { unavailable, WeChatError };
