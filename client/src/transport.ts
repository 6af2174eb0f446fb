import { NetworkError } from './errors.js';
import type { WxLike, WxRequestOption } from './wx.js';

/** What `request` resolves: wx.request's answer, trimmed to the parts that do not depend on the base library. */
interface AuthResponse<T = unknown> {
  statusCode: number;
  data: T;
  header: Record<string, string>;
}

type SendOptions = Omit<WxRequestOption, 'success' | 'fail'>;

/**
 * wx.request as a promise. Any HTTP answer resolves, whatever its status: deciding what a 401 or a 503 means is
 * the caller's job. Only a request that got no answer rejects, with a NetworkError.
 */
const send = <T = unknown>(api: WxLike, options: SendOptions): Promise<AuthResponse<T>> =>
  new Promise((resolve, reject) => {
    api.request({
      ...options,
      success: (result) =>
        resolve({
          statusCode: result.statusCode,
          data: result.data as T,
          header: (result.header ?? {}) as Record<string, string>,
        }),
      fail: (error) => reject(new NetworkError(error?.errMsg ?? 'request:fail')),
    });
  });

/** A header's value whatever its case: the devtools, iOS and Android disagree on header name case. */
const headerValue = (header: Record<string, unknown>, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(header)) {
    const value = header[key];
    if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  }
  return undefined;
};

/** `header` plus `name: value`, dropping any other spelling of `name` the caller used, so ours is the one sent. */
const withHeader = (
  header: Record<string, string> | undefined,
  name: string,
  value: string
): Record<string, string> => {
  const wanted = name.toLowerCase();
  const merged: Record<string, string> = {};
  for (const key of Object.keys(header ?? {})) {
    if (key.toLowerCase() !== wanted) merged[key] = (header as Record<string, string>)[key] as string;
  }
  merged[name] = value;
  return merged;
};

/** wx.request parses JSON only when it can; a body that arrives as text is given one more try here. */
const parseJson = (data: unknown): unknown => {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
};

/** Retry-After (whole seconds) in milliseconds; undefined when absent or not a number of seconds. */
const retryAfterMs = (header: Record<string, unknown>): number | undefined => {
  const value = headerValue(header, 'retry-after');
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : undefined;
};

export type { AuthResponse, SendOptions };
export { headerValue, parseJson, retryAfterMs, send, withHeader };
