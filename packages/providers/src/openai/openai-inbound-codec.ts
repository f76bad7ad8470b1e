// The OpenAI Chat Completions inbound format: what `POST /v1/chat/completions` speaks to clients.
import type { RampartError } from '@rampart/spec';
import type { InboundCodec } from '../inbound-codec.js';
import { decodeOpenAIInboundRequest, type OpenAIInboundOptions } from './decode-openai-inbound-request.js';
import { encodeOpenAIError } from './encode-openai-error.js';
import { encodeOpenAIResponse } from './encode-openai-response.js';
import { createOpenAIStreamEncoder } from './encode-openai-stream.js';

/** Options of createOpenAIInboundCodec. */
export interface OpenAIInboundCodecOptions {
  /** Clock for the `created` timestamps; defaults to Date.now. */
  now?: () => number;
}

/** Creates the OpenAI inbound codec with an injected clock. */
export function createOpenAIInboundCodec(
  options: OpenAIInboundCodecOptions = {},
): InboundCodec<OpenAIInboundOptions> {
  const now = options.now ?? Date.now;
  const created = (): number => Math.floor(now() / 1000);
  return {
    format: 'openai',
    decodeRequest: (body: unknown) => decodeOpenAIInboundRequest(body),
    encodeResponse: (response, decoded) => encodeOpenAIResponse(response, decoded, created()),
    createStreamEncoder: (decoded) => createOpenAIStreamEncoder(decoded, created()),
    encodeError: (error: RampartError, requestId: string) => encodeOpenAIError(error, requestId),
  };
}

/** The OpenAI inbound codec on the real clock. */
export const openaiInboundCodec: InboundCodec<OpenAIInboundOptions> = createOpenAIInboundCodec();
