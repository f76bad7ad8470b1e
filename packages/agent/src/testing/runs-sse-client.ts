// A minimal SSE reader for tests and the load bench: parses `id`/`event`/`data` frames from a fetch response.
import type { AgentEvent } from '../agent-events.js';

/** One received event, with when it arrived. */
export interface ReceivedEvent {
  id: number;
  type: string;
  event: AgentEvent;
  receivedAt: number;
}

/** Options of readRunEvents. */
export interface ReadRunEventsOptions {
  headers?: Record<string, string>;
  /** Stop (and drop the connection) after this many events. */
  maxEvents?: number;
  signal?: AbortSignal;
  /** Called when the response headers arrived (the stream is open). */
  onOpen?(at: number): void;
}

/** Streams GET url as SSE until the server ends it (or maxEvents); resolves to the events received. */
export async function readRunEvents(
  url: string,
  options: ReadRunEventsOptions = {},
): Promise<ReceivedEvent[]> {
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(options.signal?.reason), { once: true });
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...options.headers },
    signal: controller.signal,
  });
  if (response.status !== 200 || response.body === null)
    throw new Error(`SSE ${url}: HTTP ${response.status} ${await response.text()}`);
  options.onOpen?.(Date.now());
  const received: ReceivedEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
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
        received.push({ id, type, event: JSON.parse(data) as AgentEvent, receivedAt: Date.now() });
        if (options.maxEvents !== undefined && received.length >= options.maxEvents) {
          controller.abort();
          return received;
        }
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return received;
}
