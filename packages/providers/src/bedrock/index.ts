// Public surface of the Bedrock wire (Anthropic models): the InvokeModel and Converse adapters and the
// pieces a gateway or simulator may want on their own.
export { createBedrockInvokeAdapter } from './create-bedrock-invoke-adapter.js';
export { createBedrockConverseAdapter } from './create-bedrock-converse-adapter.js';
export type { BedrockAdapterOptions } from './build-bedrock-http-request.js';
export { bedrockRuntimeBaseUrl, bedrockUrl } from './bedrock-model-path.js';
export type { BedrockAction } from './bedrock-model-path.js';
export { signBedrockRequest } from './sign-bedrock-request.js';
export type { BedrockSigningInput } from './sign-bedrock-request.js';
export { decodeBedrockError } from './decode-bedrock-error.js';
export { readBedrockFrames, BedrockFramingError } from './decode-bedrock-event-stream.js';
export type { BedrockFrame } from './decode-bedrock-event-stream.js';
export { encodeConverseRequest } from './encode-converse-request.js';
export { convertConverseUsage } from './convert-converse-usage.js';
export { reconcileBedrockInvokeUsage } from './convert-bedrock-invoke-usage.js';
export type { BedrockMeteredUsage } from './convert-bedrock-invoke-usage.js';
