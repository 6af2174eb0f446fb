import type { WxLike, WxRequestOption } from '../../../client/src/wx.js';

declare global {
  // The mini program's global `wx`; absent in Node unless a test installs a fake (see client/src/global-wx.ts).
  var wx: WxLike | undefined;
}

/** A request as it left the fake wx.request, after the wx-style defaults were applied. */
interface FakeRequest {
  url: string;
  method: string;
  data: unknown;
  header: Record<string, string>;
}

interface FakeResponse {
  statusCode: number;
  data?: unknown;
  header?: Record<string, string>;
}

/** Where the fake wx.request goes. Rejecting plays a request that got no answer (wx's `fail`). */
type FakeTransport = (request: FakeRequest) => Promise<FakeResponse>;

interface FakeWxOptions {
  transport: FakeTransport;
  /** wx.login codes are `<user>.<n>`, so the local twin's WeChat stub maps every login to the same user. */
  user?: string;
}

/**
 * A `wx` for tests: storage that serialises like the real one, numbered wx.login codes, scripted
 * wx.checkSession results, and a pluggable request transport (scripted in unit tests, real HTTP end to end).
 * Every callback fires asynchronously, as on a phone.
 */
class FakeWx implements WxLike {
  readonly storage = new Map<string, string>();
  readonly requests: FakeRequest[] = [];
  /** The codes wx.login handed out, in order. */
  readonly loginCodes: string[] = [];
  loginCalls = 0;
  checkSessionCalls = 0;
  /** What wx.checkSession answers: true while WeChat's session_key is valid. */
  sessionKeyValid = true;
  /** When set, wx.checkSession answers only once this settles (to order it against other calls). */
  checkSessionGate: Promise<void> | undefined;
  /** When set, wx.login fails with this errMsg. */
  loginFailure: string | undefined;
  /** What wx.getAccountInfoSync() reports as miniProgram.appId; none (the call throws) when undefined. */
  appId: string | undefined;
  transport: FakeTransport;
  private readonly user: string;

  constructor(options: FakeWxOptions) {
    this.transport = options.transport;
    this.user = options.user ?? 'alice';
  }

  login(option: Parameters<WxLike['login']>[0]): void {
    this.loginCalls += 1;
    later(() => {
      if (this.loginFailure) return option.fail?.({ errMsg: this.loginFailure });
      const code = `${this.user}.${this.loginCodes.length + 1}`;
      this.loginCodes.push(code);
      option.success?.({ code });
    });
  }

  checkSession(option: Parameters<WxLike['checkSession']>[0]): void {
    this.checkSessionCalls += 1;
    const answer = () => (this.sessionKeyValid ? option.success?.() : option.fail?.());
    if (this.checkSessionGate !== undefined) void this.checkSessionGate.then(answer);
    else later(answer);
  }

  request(option: WxRequestOption): unknown {
    const request: FakeRequest = {
      url: option.url,
      method: option.method ?? 'GET',
      data: option.data,
      // wx.request's default Content-Type.
      header: { 'content-type': 'application/json', ...option.header },
    };
    this.requests.push(request);
    later(() => {
      this.transport(request).then(
        (response) =>
          option.success?.({
            statusCode: response.statusCode,
            data: response.data ?? '',
            header: response.header ?? {},
          }),
        (error: unknown) =>
          option.fail?.({ errMsg: `request:fail ${error instanceof Error ? error.message : String(error)}` })
      );
    });
    return { abort: () => undefined };
  }

  getStorageSync(key: string): unknown {
    const stored = this.storage.get(key);
    // wx answers '' for a key it does not have.
    return stored === undefined ? '' : JSON.parse(stored);
  }

  setStorageSync(key: string, data: unknown): void {
    this.storage.set(key, JSON.stringify(data));
  }

  removeStorageSync(key: string): void {
    this.storage.delete(key);
  }

  getAccountInfoSync(): { miniProgram: { appId: string } } {
    if (this.appId === undefined) throw new Error('getAccountInfoSync:fail not supported');
    return { miniProgram: { appId: this.appId } };
  }

  /** The requests sent to `path` (pathname, any host), e.g. '/login'. */
  requestsTo(path: string): FakeRequest[] {
    return this.requests.filter((request) => new URL(request.url).pathname === path);
  }
}

const later = (callback: () => void): void => {
  setTimeout(callback, 0);
};

/**
 * A transport that does real HTTP with Node's fetch, the way wx.request would: GET data becomes the query string,
 * object data becomes a JSON body, a JSON answer is parsed (dataType 'json'), anything else stays text.
 */
const httpTransport = (): FakeTransport => async (request) => {
  const url = new URL(request.url);
  let body: string | undefined;
  if (request.method === 'GET' || request.method === 'HEAD') {
    if (request.data && typeof request.data === 'object') {
      for (const [name, value] of Object.entries(request.data)) url.searchParams.set(name, String(value));
    }
  } else if (request.data !== undefined) {
    body = typeof request.data === 'string' ? request.data : JSON.stringify(request.data);
  }
  const response = await fetch(url, {
    method: request.method,
    headers: request.header,
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // Not JSON: wx hands the text over as it came.
  }
  return { statusCode: response.status, data, header: Object.fromEntries(response.headers) };
};

export type { FakeRequest, FakeResponse, FakeTransport, FakeWxOptions };
export { FakeWx, httpTransport };
