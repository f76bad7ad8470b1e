// Bytes of a text/event-stream body → parsed Anthropic event objects. Framing only: decoding the events is
// the event decoder's job. Chunks may split anywhere, even inside a UTF-8 sequence, so bytes go through one
// streaming TextDecoder before the SSE parser sees them.
import { createParser } from 'eventsource-parser';
import { UpstreamError } from '@rampart/spec';

/** One SSE event whose data was JSON; `type` falls back to the SSE event name when the data has none. */
export type AnthropicSseItem = { kind: 'event'; event: Record<string, unknown> };
/** The body was not SSE at all (e.g. a JSON error body answered to a streaming request). */
export type AnthropicSseNonStream = { kind: 'non_sse'; text: string };

// A proxy or a soft error may answer a stream request with a plain body; keep enough of it to diagnose.
const NON_SSE_KEEP = 64 * 1024;

/** Yields each SSE event's parsed JSON; if the whole body held no SSE event, yields its text once instead. */
export async function* readAnthropicSse(
  body: AsyncIterable<Uint8Array>,
  provider: string,
): AsyncGenerator<AnthropicSseItem | AnthropicSseNonStream> {
  const decoder = new TextDecoder('utf-8');
  const ready: Array<AnthropicSseItem> = [];
  let sawEvent = false;
  let head = '';
  let parseFailure: UpstreamError | undefined;
  let atEof = false;
  const parser = createParser({
    onEvent(message) {
      sawEvent = true;
      if (parseFailure !== undefined) return;
      let json: unknown;
      try {
        json = JSON.parse(message.data);
      } catch (cause) {
        // At EOF a half-written event is a cut stream: drop it so the event decoder reports the cut.
        if (atEof) return;
        parseFailure = new UpstreamError(
          'stream_error',
          `${provider} sent an SSE event whose data is not JSON`,
          {
            provider,
            cause,
          },
        );
        return;
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return;
      const event = json as Record<string, unknown>;
      if (typeof event['type'] !== 'string' && message.event !== undefined) event['type'] = message.event;
      ready.push({ kind: 'event', event });
    },
  });

  const feed = function* (text: string) {
    if (!sawEvent && head.length < NON_SSE_KEEP) head += text.slice(0, NON_SSE_KEEP - head.length);
    parser.feed(text);
    yield* ready.splice(0);
    if (parseFailure !== undefined) throw parseFailure;
  };

  for await (const chunk of body) yield* feed(decoder.decode(chunk, { stream: true }));
  yield* feed(decoder.decode());
  // The SSE spec drops an event that lacks its terminating blank line at EOF. We dispatch it when its data
  // parses as a whole JSON object (a server that merely omits the last blank line is not a cut stream) and
  // drop it otherwise (a truly cut event), leaving the event decoder to report the missing message_stop.
  atEof = true;
  yield* feed('\n\n');
  if (!sawEvent && head.trim() !== '') yield { kind: 'non_sse', text: head };
}
