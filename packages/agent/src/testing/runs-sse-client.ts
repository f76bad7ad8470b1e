// A minimal SSE reader for tests: the `id`/`event`/`data` events of a fetch response (eventsource-parser does
// the SSE framing, as it does for the providers' streams).
import { createParser } from 'eventsource-parser';
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
  const parser = createParser({
    onEvent: ({ id, event, data }) => {
      if (id === undefined) return;
      received.push({
        id: Number(id),
        type: event ?? 'message',
        event: JSON.parse(data) as AgentEvent,
        receivedAt: Date.now(),
      });
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      if (options.maxEvents !== undefined && received.length >= options.maxEvents) {
        controller.abort();
        return received.slice(0, options.maxEvents);
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return received;
}
