import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStubServerApi, failure, openidFor, type StubServerApiStats } from './wechat-stub-server-api.js';

/**
 * A stand-in for WeChat's servers that behaves like the real jscode2session:
 * - checks appid, secret and grant_type (40013 / 40125 / 40002 otherwise);
 * - answers JSON with Content-Type text/plain, as WeChat does;
 * - every code is single-use (40163 on reuse);
 * - a code's user is the part before the first '.', so `alice.1` and `alice.2` are two logins of one user whose
 *   openid is a stable function of "alice"; each login gets a fresh session_key, as a real wx.login may rotate it.
 * A code starting with `invalid` gets 40029. To play WeChat's other failures, a code starting with `errcode<N>`
 * gets errcode N every time (`errcode40226.1`: high-risk user, `errcode45011.1`: rate limit, `errcode-1.1`: busy),
 * and `errcode<N>once` only the first time it is used, then logs in normally (`errcode-1once.bob`).
 * It also serves stable_token, checksession and getuserphonenumber (see wechat-stub-server-api.ts).
 * To play a host that gives no WeChat answer (for failover), `setFault` (or `POST /stub/fault {"mode": ...}`) makes
 * every WeChat API request hang (`hang`), get an nginx-style HTML 502 (`html502`), have its connection reset
 * (`reset`), or be refused because the stub stops listening (`refuse`; `setFault(undefined)` listens again on the
 * same port).
 *
 * Several apps: `apps` maps each AppID to its secret. A user's openid differs per app (a function of AppID and user),
 * and when the stub serves several apps they count as bound to one open-platform account: every login also gets a
 * unionid, the same for one user in every app (as WeChat does for apps under one open-platform account).
 */
interface WeChatStubOptions {
  /** One app (the usual case); or give `apps`. */
  appId?: string;
  appSecret?: string;
  /** AppID → app secret, for every app the stub serves. */
  apps?: Readonly<Record<string, string>>;
  port?: number;
  host?: string;
}

/** How the stub fails to answer, or undefined to answer normally. */
type StubFault = 'hang' | 'html502' | 'reset' | 'refuse' | undefined;

interface RunningWeChatStub {
  baseUrl: string;
  server: Server;
  /** Every WeChat API request that arrived, faulted or not (serverApi.stats counts those that were answered). */
  requests: () => number;
  setFault: (fault: StubFault) => Promise<void>;
  /** The newest session_key handed out per openid: lets tests and tools act as WeChat would. */
  latestSessionKeys: Map<string, string>;
  /** The app each openid handed out belongs to. */
  appOfOpenid: Map<string, string>;
  /** Call counts of every API (code2Session included), and expiring the current token (of one app, or all). */
  serverApi: { stats: StubServerApiStats; expireCurrentToken: (appId?: string) => void };
  stop: () => Promise<void>;
}

/** The same for one user in every app of the open-platform account. */
const unionidFor = (user: string): string =>
  `u${createHash('sha256').update(`union:${user}`).digest('base64url').slice(0, 27)}`;

/** The apps the stub serves, from either form of the options. */
const appsOf = (options: WeChatStubOptions): Record<string, string> => {
  if (options.apps && Object.keys(options.apps).length > 0) return { ...options.apps };
  if (options.appId === undefined || options.appSecret === undefined) {
    throw new Error('The WeChat stub needs appId and appSecret, or apps');
  }
  return { [options.appId]: options.appSecret };
};

const replyJson = (res: ServerResponse, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/** `errcode<N>` or `errcode<N>once` at the start of a code: the failure the stub plays. */
const SIMULATED_ERRCODE = /^errcode(-?\d+)(once)?/;

const createJsCode2Session = (
  apps: Readonly<Record<string, string>>,
  latestSessionKeys: Map<string, string>,
  appOfOpenid: Map<string, string>,
  stats: StubServerApiStats
) => {
  const withUnionid = Object.keys(apps).length > 1;
  const usedCodes = new Set<string>();
  const failedOnce = new Set<string>();
  return (query: URLSearchParams) => {
    stats.code2SessionCalls += 1;
    if (query.get('grant_type') !== 'authorization_code') return failure(40002, 'invalid grant_type');
    const appId = query.get('appid') ?? '';
    if (!Object.hasOwn(apps, appId)) return failure(40013, 'invalid appid');
    if (query.get('secret') !== apps[appId]) return failure(40125, 'invalid appsecret');
    const code = query.get('js_code') ?? '';
    if (code === '' || code.startsWith('invalid')) return failure(40029, 'invalid code');
    const simulated = SIMULATED_ERRCODE.exec(code);
    if (simulated && (!simulated[2] || !failedOnce.has(code))) {
      failedOnce.add(code);
      return failure(Number(simulated[1]), 'simulated by the stub');
    }
    if (usedCodes.has(code)) return failure(40163, 'code been used');
    usedCodes.add(code);
    const user = code.split('.')[0] ?? code;
    const openid = openidFor(appId, user);
    const sessionKey = randomBytes(16).toString('base64');
    latestSessionKeys.set(openid, sessionKey);
    appOfOpenid.set(openid, appId);
    return { session_key: sessionKey, openid, ...(withUnionid ? { unionid: unionidFor(user) } : {}) };
  };
};

/** A request's JSON body; anything unparsable reads as no body, which the APIs then refuse as WeChat would. */
const readJsonBody = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
};

/** Plays `fault` on a request; true when it did (the request gets no WeChat answer). */
const playFault = (fault: StubFault, res: ServerResponse): boolean => {
  if (fault === 'hang' || fault === 'refuse') return true;
  if (fault === 'reset') {
    res.socket?.destroy();
    return true;
  }
  if (fault === 'html502') {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>');
    return true;
  }
  return false;
};

const listen = (server: Server, port: number, host: string): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

interface StubState {
  fault: StubFault;
  requests: number;
}

/** The stub's request handler: the fault switch, jscode2session, then the access_token APIs. */
const createStubHandler = (
  apps: Readonly<Record<string, string>>,
  latestSessionKeys: Map<string, string>,
  state: StubState,
  setFault: (fault: StubFault) => Promise<void>
) => {
  const appOfOpenid = new Map<string, string>();
  const serverApi = createStubServerApi({ apps }, latestSessionKeys, appOfOpenid);
  const jscode2session = createJsCode2Session(apps, latestSessionKeys, appOfOpenid, serverApi.stats);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    if (req.method === 'POST' && url.pathname === '/stub/fault') {
      const { mode } = ((await readJsonBody(req)) ?? {}) as { mode?: StubFault };
      await setFault(mode);
      return replyJson(res, { ok: true });
    }
    state.requests += 1;
    if (playFault(state.fault, res)) return;
    if (req.method === 'GET' && url.pathname === '/sns/jscode2session') {
      return replyJson(res, jscode2session(url.searchParams));
    }
    const reply = serverApi.handle(req.method ?? 'GET', url, await readJsonBody(req));
    if (reply) {
      const text = JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8' });
      return res.end(text);
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  };
  return { handle, serverApi, appOfOpenid };
};

/** Switches the fault; `refuse` stops listening (dropping kept-alive connections), anything else listens again. */
const faultSwitch = (server: Server, state: StubState, listenAgain: () => Promise<void>) => async (next: StubFault) => {
  if (next === 'refuse' && server.listening) {
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  }
  if (next !== 'refuse' && !server.listening) await listenAgain();
  state.fault = next;
};

const startWeChatStub = async (options: WeChatStubOptions): Promise<RunningWeChatStub> => {
  const latestSessionKeys = new Map<string, string>();
  const state: StubState = { fault: undefined, requests: 0 };
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 0;
  const server = createServer();
  const setFault = faultSwitch(server, state, () => listen(server, port, host));
  const { handle, serverApi, appOfOpenid } = createStubHandler(appsOf(options), latestSessionKeys, state, setFault);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => void handle(req, res));
  await listen(server, port, host);
  port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    requests: () => state.requests,
    setFault,
    latestSessionKeys,
    appOfOpenid,
    serverApi: { stats: serverApi.stats, expireCurrentToken: serverApi.expireCurrentToken },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type { RunningWeChatStub, StubFault, WeChatStubOptions };
export { startWeChatStub };
