// What a provider handler answers with, before faults shape how it goes on the wire.

/** A whole JSON body, or a stream of pre-encoded events (SSE text or event-stream frames). */
export type SimResponse =
  | { kind: 'json'; status: number; headers: Record<string, string>; body: unknown }
  | { kind: 'stream'; status: number; headers: Record<string, string>; events: Array<string | Uint8Array> };

/** A JSON response. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): SimResponse {
  return { kind: 'json', status, headers: { 'content-type': 'application/json', ...headers }, body };
}
