// application/vnd.amazon.eventstream framing for Bedrock's streaming operations, via @smithy/eventstream-codec:
// event frames (InvokeModelWithResponseStream chunks, ConverseStream events) and exception frames.
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const PADDING_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Bedrock pads event payloads with a throwaway "p" field of varying length; clients must ignore it. */
export function bedrockPadding(index: number): string {
  return PADDING_ALPHABET.slice(0, 1 + ((index * 7) % PADDING_ALPHABET.length));
}

/** An event frame: `:event-type`, JSON payload. */
export function encodeBedrockEvent(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** An InvokeModelWithResponseStream chunk: {bytes: base64(event JSON), p}. */
export function encodeBedrockChunk(event: unknown, index: number): Uint8Array {
  const bytes = Buffer.from(JSON.stringify(event)).toString('base64');
  return encodeBedrockEvent('chunk', { bytes, p: bedrockPadding(index) });
}

/** An exception frame, e.g. throttlingException or modelStreamErrorException. */
export function encodeBedrockException(exceptionType: string, body: Record<string, unknown>): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify(body)),
  });
}
