/** Small HTTP helpers for tests that talk to the twin like a mini program would. */
interface HttpReply {
  status: number;
  headers: Headers;
  /** The parsed JSON body (a body that is not JSON is kept as its text: tests reading one compare it whole). */
  body: Record<string, unknown>;
}

const call = async (
  baseUrl: string,
  method: string,
  path: string,
  options: { sessionId?: string; body?: string; contentType?: string; headers?: Record<string, string> } = {}
): Promise<HttpReply> => {
  const headers: Record<string, string> = { ...options.headers };
  if (options.sessionId !== undefined) headers['X-Session-Id'] = options.sessionId;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: response.status, headers: response.headers, body: body as Record<string, unknown> };
};

/** POST /login; `headers` adds request headers (X-Forwarded-For, to play another client on a trusting twin). */
const login = (baseUrl: string, code: string, headers?: Record<string, string>) =>
  call(baseUrl, 'POST', '/login', { body: JSON.stringify({ code }), ...(headers ? { headers } : {}) });

/** The session id a login reply carries; throws (naming the status) when the reply has none. */
const sessionIdOf = (reply: Pick<HttpReply, 'status' | 'body'>): string => {
  const { sessionId } = reply.body;
  if (typeof sessionId !== 'string') throw new Error(`Expected a login reply with a sessionId, got ${reply.status}`);
  return sessionId;
};

export type { HttpReply };
export { call, login, sessionIdOf };
