// Public surface of the Anthropic Messages wire: the outbound adapter, the inbound codec, and the pieces
// Bedrock InvokeModel reuses (its body and stream events are Anthropic's).
export { createAnthropicAdapter, ANTHROPIC_OUTBOUND_VERSION } from './create-anthropic-adapter.js';
export type { AnthropicAdapterOptions } from './create-anthropic-adapter.js';
export { encodeAnthropicMessagesBody } from './encode-anthropic-messages-body.js';
export { defaultAnthropicMaxTokens, FALLBACK_ANTHROPIC_MAX_TOKENS } from './default-anthropic-max-tokens.js';
export { decodeAnthropicMessage } from './decode-anthropic-message.js';
export { createAnthropicEventDecoder } from './create-anthropic-event-decoder.js';
export type { AnthropicEventDecoder } from './create-anthropic-event-decoder.js';
export { decodeAnthropicErrorBody } from './decode-anthropic-error.js';
export { convertAnthropicUsage } from './convert-anthropic-usage.js';
export { fromAnthropicStopReason, toAnthropicStopReason } from './map-anthropic-stop-reason.js';
export type { AnthropicStopReason } from './map-anthropic-stop-reason.js';
export { codeForAnthropicErrorType, anthropicErrorForCode } from './map-anthropic-error-type.js';
export type { AnthropicErrorType } from './map-anthropic-error-type.js';
export { anthropicInboundCodec } from './anthropic-inbound-codec.js';
export type { AnthropicInboundOptions } from './decode-anthropic-inbound-request.js';
export { checkAnthropicVersionRules, SAMPLING_REMOVED_IN } from './check-anthropic-version-rules.js';
