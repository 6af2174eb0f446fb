/**
 * A stand-in for the global fetch that answers from a script, one entry per call, and records what was asked.
 * A reply is a JSON-able object (sent with WeChat's real `text/plain` Content-Type), a raw string body, a full
 * `{ status, body, contentType }`, an Error to reject with, or `'hang'`: a call that only ends when its
 * AbortSignal fires, the way a stalled connection does.
 */
type ScriptedReply =
  | Record<string, unknown>
  | string
  | { status: number; body: string; contentType?: string }
  | Error
  | 'hang';

interface RecordedCall {
  url: string;
  signal: AbortSignal | undefined;
}

interface FakeFetch {
  fetch: typeof globalThis.fetch;
  calls: RecordedCall[];
}

const isFullReply = (reply: ScriptedReply): reply is { status: number; body: string; contentType?: string } =>
  typeof reply === 'object' && !(reply instanceof Error) && typeof reply.status === 'number' && 'body' in reply;

const hang = (signal: AbortSignal | undefined): Promise<Response> =>
  // Without a signal this never settles and the test times out: a missing timeout cannot pass.
  new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

const toResponse = (reply: Exclude<ScriptedReply, Error | 'hang'>): Response => {
  if (isFullReply(reply)) {
    return new Response(reply.body, {
      status: reply.status,
      headers: { 'content-type': reply.contentType ?? 'text/plain' },
    });
  }
  const body = typeof reply === 'string' ? reply : JSON.stringify(reply);
  return new Response(body, { status: 200, headers: { 'content-type': 'text/plain' } });
};

const fakeFetch = (...script: ScriptedReply[]): FakeFetch => {
  const calls: RecordedCall[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    const signal = init?.signal ?? undefined;
    calls.push({ url, signal });
    const reply = script[calls.length - 1];
    if (reply === undefined) throw new Error(`fake fetch: no reply scripted for call ${calls.length}`);
    if (reply instanceof Error) throw reply;
    if (reply === 'hang') return hang(signal);
    return toResponse(reply);
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
};

export type { FakeFetch, RecordedCall, ScriptedReply };
export { fakeFetch };
