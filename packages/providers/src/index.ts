// @rampart/providers: wire codecs for each upstream and inbound format. Depends on @rampart/spec only.
export type {
  HeaderMap,
  ProviderCredentials,
  UpstreamTarget,
  UpstreamHttpRequest,
  ProviderAdapter,
} from './provider-adapter.js';
export type { DecodedInbound, InboundStreamEncoder, EncodedError, InboundCodec } from './inbound-codec.js';

export {
  createOpenAIAdapter,
  openaiInboundCodec,
  createOpenAIInboundCodec,
  fromOpenAIUsage,
  toOpenAIUsage,
} from './openai/index.js';
export type {
  OpenAIAdapterOptions,
  OpenAIInboundCodecOptions,
  OpenAIInboundOptions,
} from './openai/index.js';

export {
  createAnthropicAdapter,
  ANTHROPIC_OUTBOUND_VERSION,
  encodeAnthropicMessagesBody,
  decodeAnthropicMessage,
  createAnthropicEventDecoder,
  decodeAnthropicErrorBody,
  convertAnthropicUsage,
  anthropicInboundCodec,
  checkAnthropicVersionRules,
} from './anthropic/index.js';
export type {
  AnthropicAdapterOptions,
  AnthropicEventDecoder,
  AnthropicInboundOptions,
} from './anthropic/index.js';

export {
  createBedrockInvokeAdapter,
  createBedrockConverseAdapter,
  bedrockRuntimeBaseUrl,
  signBedrockRequest,
  decodeBedrockError,
  convertConverseUsage,
  reconcileBedrockInvokeUsage,
} from './bedrock/index.js';
export type { BedrockAdapterOptions } from './bedrock/index.js';
