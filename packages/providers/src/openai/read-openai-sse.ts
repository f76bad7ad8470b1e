// Bytes → server-sent events. Chunks may split anywhere: inside a line, inside a CRLF, inside a multi-byte
// UTF-8 character. TextDecoder in stream mode holds partial characters back; eventsource-parser (v3, Node 18+)
// does the line and field rules of the SSE spec, so neither is hand-rolled here.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One SSE event; `terminated` is false for a last event the body ended inside (no blank line after it). */
export interface OpenAISseEvent {
  event: string | undefined;
  data: string;
  terminated: boolean;
}

/** Yields the SSE events of a byte stream, in order, as soon as each is complete. */
export async function* readOpenAISse(body: AsyncIterable<Uint8Array>): AsyncGenerator<OpenAISseEvent> {
  const decoder = new TextDecoder('utf-8');
  const pending: OpenAISseEvent[] = [];
  let terminated = true;
  const parser = createParser({
    onEvent: (message: EventSourceMessage) =>
      pending.push({ event: message.event, data: message.data, terminated }),
  });
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    yield* pending.splice(0);
  }
  // The SSE spec drops an event the body ended inside; we surface it, marked, so the caller can tell a
  // server that merely forgot the final blank line (its JSON is whole) from a cut (its JSON is not).
  terminated = false;
  parser.feed(decoder.decode() + '\n\n');
  yield* pending.splice(0);
}
