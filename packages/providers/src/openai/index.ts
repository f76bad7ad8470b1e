// The public surface of the OpenAI Chat Completions wire: the outbound adapter (OpenAI and compatible
// servers) and the inbound codec for `POST /v1/chat/completions`.
export { createOpenAIAdapter } from './openai-adapter.js';
export type { OpenAIAdapterOptions } from './openai-adapter.js';
export { openaiInboundCodec, createOpenAIInboundCodec } from './openai-inbound-codec.js';
export type { OpenAIInboundCodecOptions } from './openai-inbound-codec.js';
export type { OpenAIInboundOptions } from './decode-openai-inbound-request.js';
export { fromOpenAIUsage, toOpenAIUsage } from './convert-openai-usage.js';
