// Bytes → server-sent events. Chunks may split anywhere: inside a line, inside a CRLF, inside a multi-byte
// UTF-8 character. TextDecoder in stream mode holds partial characters back; eventsource-parser (v3, Node 18+)
// does the line and field rules of the SSE spec, so neither is hand-rolled here.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

// A single chunk of Chat Completions is at most a few kilobytes; an upstream (or something in between) that
// sends megabytes without an event boundary is broken, and buffering it forever would exhaust memory.
const DEFAULT_MAX_EVENT_CHARS = 8 * 1024 * 1024;

/** Thrown when an event grows past the limit without ending. */
export class OpenAISseOverflowError extends Error {
  override readonly name = 'OpenAISseOverflowError';
}

/** One SSE event; `terminated` is false for a last event the body ended inside (no blank line after it). */
export interface OpenAISseEvent {
  event: string | undefined;
  data: string;
  terminated: boolean;
}

/** Yields the SSE events of a byte stream, in order, as soon as each is complete. */
export async function* readOpenAISse(
  body: AsyncIterable<Uint8Array>,
  maxEventChars = DEFAULT_MAX_EVENT_CHARS,
): AsyncGenerator<OpenAISseEvent> {
  const decoder = new TextDecoder('utf-8');
  const pending: OpenAISseEvent[] = [];
  let terminated = true;
  let overflow = false;
  const parser = createParser({
    maxBufferSize: maxEventChars,
    onEvent: (message: EventSourceMessage) =>
      pending.push({ event: message.event, data: message.data, terminated }),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflow = true;
    },
  });
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    yield* pending.splice(0);
    if (overflow) throw new OpenAISseOverflowError(`an SSE event exceeded ${maxEventChars} characters`);
  }
  // The SSE spec drops an event the body ended inside; we surface it, marked, so the caller can tell a
  // server that merely forgot the final blank line (its JSON is whole) from a cut (its JSON is not).
  terminated = false;
  parser.feed(decoder.decode() + '\n\n');
  yield* pending.splice(0);
}
