import type { ErrorCode } from '../http/errors.js';
import { unavailable, WeChatError } from './wechat-error.js';

// WeChat's errcodes and what each means to us, one table per API. An errcode a table does not list means WeChat
// could not serve us: wechat_unavailable.

/** WeChat is busy: the one errcode worth a single retry. */
const BUSY = -1;
/** errcodes meaning the access_token is invalid (40001), expired (42001) or not an access_token (40014). */
const ACCESS_TOKEN_REJECTED = new Set([40001, 42001, 40014]);
const SESSION_KEY_INVALID = 87009;

type Meanings = Record<number, [ErrorCode, string]>;

const busy: [ErrorCode, string] = ['wechat_busy', 'WeChat is busy; try again shortly'];

/** What every WeChat API may answer: busy (-1), or our AppID / secret rejected (40013 / 40125). */
const commonMeaning: Meanings = {
  [BUSY]: busy,
  40013: ['wechat_misconfigured', 'The server is misconfigured'],
  40125: ['wechat_misconfigured', 'The server is misconfigured'],
};

/** errcode → how login answers it. Anything not listed means WeChat could not serve us: wechat_unavailable. */
const errcodeMeaning: Meanings = {
  ...commonMeaning,
  40029: ['invalid_code', 'The login code is invalid; call wx.login() again'],
  40163: ['invalid_code', 'The login code was already used; call wx.login() again'],
  40226: ['user_blocked', 'WeChat blocked this login as high-risk'],
  45011: ['rate_limited', 'Too many logins for this user; try again in a minute'],
};

/** errcodes every access_token API shares. A rejected token is wechat_unavailable; callers refresh and retry once. */
const serverApiMeaning: Meanings = {
  [BUSY]: busy,
  ...Object.fromEntries(
    [...ACCESS_TOKEN_REJECTED].map((errcode) => [errcode, ['wechat_unavailable', 'WeChat rejected the access token']])
  ),
};

const stableTokenMeaning: Meanings = {
  ...commonMeaning,
  /** The app's API IP allow-list is on and does not list our egress address. */
  40164: ['wechat_misconfigured', 'The server is misconfigured'],
};

const phoneNumberMeaning: Meanings = {
  ...serverApiMeaning,
  40029: ['invalid_phone_code', 'The phone number code is invalid, used or expired; ask the user again'],
  45011: ['rate_limited', 'Too many phone number requests; try again in a minute'],
};

/** Throws the classified error for a reply carrying a non-zero errcode. */
const throwOnErrcode = (reply: Record<string, unknown>, meanings: Meanings, fallback: string): void => {
  const { errcode } = reply;
  if (errcode === undefined || errcode === 0) return;
  const meaning = typeof errcode === 'number' ? meanings[errcode] : undefined;
  if (meaning) throw new WeChatError(meaning[0], meaning[1], errcode as number);
  throw unavailable(fallback, typeof errcode === 'number' ? errcode : undefined);
};

/** True when WeChat refused the access_token itself: the cached token must be dropped and fetched again. */
const isAccessTokenRejected = (error: unknown): boolean =>
  error instanceof WeChatError && error.errcode !== undefined && ACCESS_TOKEN_REJECTED.has(error.errcode);

export type { Meanings };
export {
  ACCESS_TOKEN_REJECTED,
  BUSY,
  errcodeMeaning,
  isAccessTokenRejected,
  phoneNumberMeaning,
  SESSION_KEY_INVALID,
  serverApiMeaning,
  stableTokenMeaning,
  throwOnErrcode,
};
