/** Small HTTP helpers for tests that talk to the twin like a mini program would. */
interface HttpReply {
  status: number;
  headers: Headers;
  body: any;
}

const call = async (
  baseUrl: string,
  method: string,
  path: string,
  options: { sessionId?: string; body?: string; contentType?: string } = {}
): Promise<HttpReply> => {
  const headers: Record<string, string> = {};
  if (options.sessionId !== undefined) headers['X-Session-Id'] = options.sessionId;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: response.status, headers: response.headers, body };
};

const login = (baseUrl: string, code: string) => call(baseUrl, 'POST', '/login', { body: JSON.stringify({ code }) });

export { call, login };
export type { HttpReply };
