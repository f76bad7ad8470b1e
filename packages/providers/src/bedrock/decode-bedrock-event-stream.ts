// Splits an application/vnd.amazon.eventstream body into frames, whatever the chunk boundaries, and decodes
// each whole frame with @smithy/eventstream-codec (which verifies both CRCs). Shared by InvokeModel and
// ConverseStream; what a frame's payload means is the caller's business.
import type { EventStreamCodec, MessageHeaders } from '@smithy/eventstream-codec';

/** One decoded frame: an event (by :event-type) or an in-band exception (by :exception-type or :error-code). */
export type BedrockFrame =
  | { kind: 'event'; eventType: string; payload: Uint8Array }
  | { kind: 'exception'; exceptionType: string; payload: Uint8Array; errorMessage?: string };

/** The byte stream itself is broken: it stopped inside a frame, or a frame failed its checksum. */
export class BedrockFramingError extends Error {
  override readonly name = 'BedrockFramingError';
  constructor(
    readonly reason: 'truncated' | 'corrupt',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const PRELUDE_BYTES = 12;
const MINIMUM_FRAME_BYTES = 16;
// AWS caps one event-stream message at 16 MiB of payload; anything far beyond is garbage, not a frame to wait for.
const MAXIMUM_FRAME_BYTES = 24 * 1024 * 1024;

// The codec's libraries load with the first Bedrock stream, not with every gateway (see sign-bedrock-request.ts).
let codecLoading: Promise<EventStreamCodec> | undefined;
async function loadCodec(): Promise<EventStreamCodec> {
  const [{ EventStreamCodec }, { fromUtf8, toUtf8 }] = await Promise.all([
    import('@smithy/eventstream-codec'),
    import('@smithy/util-utf8'),
  ]);
  return new EventStreamCodec(toUtf8, fromUtf8);
}

function stringHeader(headers: MessageHeaders, name: string): string | undefined {
  const header = headers[name];
  return header?.type === 'string' ? header.value : undefined;
}

function toFrame(codec: EventStreamCodec, bytes: Uint8Array): BedrockFrame | undefined {
  let message;
  try {
    message = codec.decode(bytes);
  } catch (error) {
    throw new BedrockFramingError('corrupt', `Corrupt event-stream frame: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const { headers, body } = message;
  const messageType = stringHeader(headers, ':message-type');
  if (messageType === 'exception') {
    return {
      kind: 'exception',
      exceptionType: stringHeader(headers, ':exception-type') ?? 'unknown',
      payload: body,
    };
  }
  if (messageType === 'error') {
    // The generic event-stream error form: the reason travels in headers, not in the payload.
    const errorMessage = stringHeader(headers, ':error-message');
    return {
      kind: 'exception',
      exceptionType: stringHeader(headers, ':error-code') ?? 'unknown',
      payload: body,
      ...(errorMessage === undefined ? {} : { errorMessage }),
    };
  }
  const eventType = stringHeader(headers, ':event-type');
  // A frame with neither is not ours to interpret (e.g. a future control frame): skip it.
  return eventType === undefined ? undefined : { kind: 'event', eventType, payload: body };
}

/**
 * Yields the frames of an event-stream body; throws BedrockFramingError when the bytes are cut or corrupt.
 * A frame's payload may view the received chunk: read it before asking for the next frame.
 */
export async function* readBedrockFrames(body: AsyncIterable<Uint8Array>): AsyncGenerator<BedrockFrame> {
  // Bytes received but not yet part of a whole frame. Chunks usually carry whole frames, so the common
  // path slices the chunk itself and copies only a frame that straddles a boundary.
  let pending: Uint8Array = new Uint8Array(0);
  const codec = await (codecLoading ??= loadCodec());
  for await (const chunk of body) {
    const owned = pending.byteLength > 0;
    const buffer = owned ? concat(pending, chunk) : chunk;
    let offset = 0;
    while (buffer.byteLength - offset >= 4) {
      const view = new DataView(buffer.buffer, buffer.byteOffset + offset, 4);
      const total = view.getUint32(0, false);
      if (total < MINIMUM_FRAME_BYTES || total > MAXIMUM_FRAME_BYTES) {
        throw new BedrockFramingError('corrupt', `Event-stream frame declares an impossible length ${total}`);
      }
      if (buffer.byteLength - offset < total) break;
      const frame = toFrame(codec, buffer.subarray(offset, offset + total));
      offset += total;
      if (frame !== undefined) yield frame;
    }
    // Keep the remainder as our own copy: a transport may reuse a chunk's memory once we ask for the next.
    pending = owned && offset === 0 ? buffer : buffer.slice(offset);
  }
  if (pending.byteLength > 0) {
    const expected =
      pending.byteLength >= PRELUDE_BYTES ? ` of ${new DataView(pending.buffer).getUint32(0, false)}` : '';
    throw new BedrockFramingError(
      'truncated',
      `Event stream ended inside a frame (${pending.byteLength} bytes${expected} received)`,
    );
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.byteLength + b.byteLength);
  joined.set(a, 0);
  joined.set(b, a.byteLength);
  return joined;
}
