import { LoginError, NetworkError } from '@wechat-login/miniprogram-sdk';

/** What a user reads when something goes wrong: plain words, in Chinese and in English. */
export interface Message {
  zh: string;
  en: string;
}

const OFFLINE: Message = {
  zh: '网络不可用，请检查网络后重试。',
  en: 'You are offline or the server cannot be reached. Check your network and try again.',
};
const REFUSED: Message = {
  zh: '登录被拒绝，请稍后重新打开小程序。',
  en: 'Login was refused. Please reopen the mini program later.',
};
const FAILED: Message = { zh: '出错了，请稍后再试。', en: 'Something went wrong. Please try again later.' };

const rateLimited = (retryAfterMs?: number): Message => {
  const seconds = retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000));
  return seconds === undefined
    ? { zh: '操作太频繁，请稍后再试。', en: 'Too many requests. Please wait a moment and try again.' }
    : { zh: `操作太频繁，请 ${seconds} 秒后再试。`, en: `Too many requests. Please try again in ${seconds} s.` };
};

/** Codes of a refused login: WeChat or our server said no to this user or this app. */
const REFUSED_LOGIN = ['invalid_code', 'user_blocked', 'unknown_app', 'bad_request', 'wx_login_failed'];

/** The message for an error auth.request() or auth.login() rejected with. */
export const describeError = (error: unknown): Message => {
  if (error instanceof NetworkError) return OFFLINE;
  if (error instanceof LoginError) {
    if (error.code === 'rate_limited' || error.code === 'too_many_logins') return rateLimited(error.retryAfterMs);
    if (REFUSED_LOGIN.indexOf(error.code) >= 0) return REFUSED;
  }
  return FAILED;
};

/** The message for an answer that was not a success, or undefined for a 2xx. */
export const describeAnswer = (statusCode: number, header: Record<string, string> = {}): Message | undefined => {
  if (statusCode >= 200 && statusCode < 300) return undefined;
  if (statusCode === 429) {
    const retryAfter = Number(header['Retry-After'] ?? header['retry-after']);
    return rateLimited(Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
  }
  return FAILED;
};
