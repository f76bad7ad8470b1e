// The contract for an inbound API format (what clients speak to Rampart). The same wire knowledge as the
// outbound adapters, used in the other direction: decode a client's request, encode answers, streams and
// errors in that client's own protocol.
import type { ChatRequest, ChatResponse, RampartError, StreamEvent } from '@rampart/spec';

/** A decoded client request: the canonical request plus wire options only this format knows. */
export interface DecodedInbound<Options> {
  request: ChatRequest;
  options: Options;
}

/** Encodes one canonical stream as this format's server-sent events. Stateful: one per response. */
export interface InboundStreamEncoder {
  /** SSE text for one canonical event; may be '' when the format has nothing to say for it. */
  event(event: StreamEvent): string;
  /** SSE text that reports a failure mid-stream in this protocol, so the stream never ends silently. */
  error(error: RampartError, requestId: string): string;
}

/** An HTTP answer in the client's protocol. */
export interface EncodedError {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** One inbound API format. */
export interface InboundCodec<Options> {
  readonly format: 'openai' | 'anthropic';
  /** Validates and decodes a parsed JSON body; throws InvalidRequestError naming the offending field. */
  decodeRequest(body: unknown): DecodedInbound<Options>;
  /** Encodes a complete response as this format's JSON body, usage under this format's rules. */
  encodeResponse(response: ChatResponse, options: Options): unknown;
  /** Starts encoding a streamed response. */
  createStreamEncoder(options: Options): InboundStreamEncoder;
  /** Encodes an error as this format's error body and status (with retry-after when known). */
  encodeError(error: RampartError, requestId: string): EncodedError;
}
