/**
 * A fetch that answers from a script, one reply per call, and records method, URL and body of each request.
 * A reply is an object sent as JSON, or an Error to reject with.
 */
interface RecordedRequest {
  method: string;
  url: URL;
  body: unknown;
  headers: Record<string, string>;
}

const recordingFetch = (...script: (Record<string, unknown> | Error)[]) => {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const text = typeof init?.body === 'string' ? init.body : undefined;
    requests.push({
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      body: text === undefined ? undefined : JSON.parse(text),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
    });
    const reply = script[requests.length - 1];
    if (reply === undefined) throw new Error(`recording fetch: no reply scripted for call ${requests.length}`);
    if (reply instanceof Error) throw reply;
    return new Response(JSON.stringify(reply), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
};

export type { RecordedRequest };
export { recordingFetch };
