// The bench client's HTTP: node:http with a keep-alive agent rather than fetch. With a thousand threads in one
// process, fetch's web streams and WebAssembly parser cost the client more CPU than the server spends answering,
// on the same two cores — the bench would measure its own client.
import { Agent, request, type IncomingMessage } from 'node:http';

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
      let buffer = '';
      res.on('data', (chunk: string) => {
        const receivedAt = Date.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: number | undefined;
          let type = 'message';
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith('id: ')) id = Number(line.slice(4));
            else if (line.startsWith('event: ')) type = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (id === undefined) continue;
          events.push({ id, type, at: (JSON.parse(data) as { at: number }).at, receivedAt });
        }
      });
      res.on('end', () => resolve(events));
      res.on('error', reject);
    });
    req.end();
  });
}
