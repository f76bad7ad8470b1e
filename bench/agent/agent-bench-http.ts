// The bench client's HTTP: node:http with a keep-alive agent rather than fetch. With a thousand threads in one
// process, fetch's web streams and WebAssembly parser cost the client more CPU than the server spends answering,
// on the same two cores — the bench would measure its own client.
import { Agent, request, type IncomingMessage } from 'node:http';
import { createParser } from 'eventsource-parser';

const agent = new Agent({ keepAlive: true, maxSockets: Infinity, keepAliveMsecs: 10_000 });

/** A JSON request; resolves to the status and the parsed body. */
export function httpJson(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  signal: AbortSignal,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One SSE event as the bench needs it. */
export interface BenchEvent {
  id: number;
  type: string;
  /** The event's own timestamp (`at`, set by the worker that emitted it). */
  at: number;
  receivedAt: number;
}

/** Reads an SSE stream to its end; onOpen when the response headers arrived. */
export function readSse(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  onOpen: (at: number) => void,
): Promise<BenchEvent[]> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, agent, signal });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`SSE: HTTP ${res.statusCode}`));
        return;
      }
      onOpen(Date.now());
      res.setEncoding('utf8');
      const events: BenchEvent[] = [];
      let receivedAt = 0;
      const parser = createParser({
        onEvent: ({ id, event, data }) => {
          if (id === undefined) return;
          const at = (JSON.parse(data) as { at: number }).at;
          events.push({ id: Number(id), type: event ?? 'message', at, receivedAt });
        },
      });
      res.on('data', (chunk: string) => {
        receivedAt = Date.now();
        parser.feed(chunk);
      });
      res.on('end', () => resolve(events));
      res.on('error', reject);
    });
    req.end();
  });
}
