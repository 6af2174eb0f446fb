import { defaults } from '../functions/shared/contract/defaults.js';

/**
 * Memory and timeout per function. Most functions take the default; the two with a reason to differ say why.
 * A function not listed here gets the default, so adding a function needs no entry.
 */
interface FunctionSizing {
  readonly memorySizeMb: number;
  readonly timeoutSeconds: number;
}

/** API Gateway gives up on a Lambda authorizer after this long and answers 500. */
const API_GATEWAY_AUTHORIZER_TIMEOUT_SECONDS = 10;

/**
 * 256 MB on arm64: Lambda's CPU share grows with memory, and the cold start (loading the bundled SDK) is the
 * slowest part of these functions; at tens of milliseconds per warm call the extra memory costs fractions of a cent
 * per million requests (see README, Deploy).
 */
const defaultSizing: FunctionSizing = { memorySizeMb: 256, timeoutSeconds: 5 };

const wechatCallBudgetSeconds = Math.ceil((2 * defaults.wechatTimeoutMs + defaults.wechatBusyRetryDelayMs) / 1000);

/**
 * A WeChat call that needs the access_token: waiting for (or doing) a token refresh, the call itself, and after a
 * rejected token one more refresh and one retry, each WeChat request bounded by the client's timeout.
 */
const accessTokenCallBudgetSeconds = Math.ceil((defaults.accessTokenMaxWaitMs + 4 * defaults.wechatTimeoutMs) / 1000);

const sizingOverrides: Readonly<Record<string, Partial<FunctionSizing>>> = {
  /**
   * Two WeChat calls at most (one retry on errcode -1), each bounded by the client's timeout, plus the secret fetch
   * and the DynamoDB write: about 7 s in the worst case, so 10 s leaves headroom without holding a stuck
   * invocation for long.
   */
  login: { timeoutSeconds: wechatCallBudgetSeconds + 3 },
  /**
   * Well under API Gateway's authorizer timeout, so a slow DynamoDB read ends as a Lambda error (API Gateway answers
   * 500: never allow, never deny) while the client still gets an answer quickly; long enough for one SDK retry.
   */
  authorizer: { timeoutSeconds: Math.floor(API_GATEWAY_AUTHORIZER_TIMEOUT_SECONDS / 2) },
  /** About 15 s in the worst case (see accessTokenCallBudgetSeconds), under API Gateway's 30 s integration limit. */
  'wx-session-key-status': { timeoutSeconds: accessTokenCallBudgetSeconds + 2 },
  'wx-phone': { timeoutSeconds: accessTokenCallBudgetSeconds + 2 },
};

const sizingOf = (fn: string): FunctionSizing => ({
  ...defaultSizing,
  ...(Object.hasOwn(sizingOverrides, fn) ? sizingOverrides[fn] : {}),
});

export type { FunctionSizing };
export { API_GATEWAY_AUTHORIZER_TIMEOUT_SECONDS, sizingOf };
