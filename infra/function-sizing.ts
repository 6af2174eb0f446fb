import { defaults } from '../functions/shared/contract/defaults.js';

/**
 * Memory and timeout per function: the one sizing source the stack and the twin read. Most functions take the
 * default; those with a reason to differ say why. A function not listed here gets the default, so adding a function
 * needs no entry.
 *
 * The timeout is also each invocation's time budget (functions/shared/runtime/time-budget.ts): at run time the
 * functions read what is left of it from the Lambda context, keep defaults.budgetSafetyMarginMs for answering, and
 * bound every WeChat attempt and DynamoDB call by the rest. So these numbers only decide how much work fits, never
 * whether the function answers.
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

/**
 * Two full WeChat attempts (the first host hanging to its cap, then the next host; or one retry on errcode -1 after
 * its pause), the reserve kept for the DynamoDB work after WeChat, and the safety margin.
 */
const wechatCallBudgetSeconds = Math.ceil(
  (2 * defaults.wechatTimeoutMs +
    defaults.wechatBusyRetryDelayMs +
    defaults.wechatReserveMs +
    defaults.budgetSafetyMarginMs) /
    1000
);

/**
 * A WeChat call that needs the access_token: waiting for (or doing) a token refresh, the call itself, and after a
 * rejected token one more refresh and one retry, each WeChat request bounded by the client's timeout.
 */
const accessTokenCallBudgetSeconds = Math.ceil((defaults.accessTokenMaxWaitMs + 4 * defaults.wechatTimeoutMs) / 1000);

const sizingOverrides: Readonly<Record<string, Partial<FunctionSizing>>> = {
  /**
   * Login must answer even when the first host hangs and the second answers: two WeChat attempts, the reserve for
   * the session write and the margin (8 s), plus the secret fetch: 10 s, without holding a stuck invocation long.
   */
  login: { timeoutSeconds: wechatCallBudgetSeconds + 2 },
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
