// The Anthropic Messages inbound format (POST /v1/messages), assembled from its one-job parts.
import type { InboundCodec } from '../inbound-codec.js';
import { createAnthropicInboundStreamEncoder } from './create-anthropic-inbound-stream-encoder.js';
import { decodeAnthropicInboundRequest } from './decode-anthropic-inbound-request.js';
import type { AnthropicInboundOptions } from './decode-anthropic-inbound-request.js';
import { encodeAnthropicInboundError } from './encode-anthropic-inbound-error.js';
import { encodeAnthropicInboundResponse } from './encode-anthropic-inbound-response.js';

/** Speaks Anthropic's Messages API to clients. The anthropic-version header is checked by the gateway. */
export const anthropicInboundCodec: InboundCodec<AnthropicInboundOptions> = {
  format: 'anthropic',
  decodeRequest: decodeAnthropicInboundRequest,
  encodeResponse: encodeAnthropicInboundResponse,
  createStreamEncoder: createAnthropicInboundStreamEncoder,
  encodeError: encodeAnthropicInboundError,
};
