// The Bedrock InvokeModel adapter (provider `bedrock`) for Anthropic models: Anthropic's own body and
// stream events, carried by Bedrock's endpoint, auth and event-stream framing.
import type { ProviderAdapter } from '../provider-adapter.js';
import { buildBedrockHttpRequest } from './build-bedrock-http-request.js';
import type { BedrockAdapterOptions } from './build-bedrock-http-request.js';
import { decodeBedrockError } from './decode-bedrock-error.js';
import { decodeBedrockInvokeResponse } from './decode-bedrock-invoke-response.js';
import { decodeBedrockInvokeStream } from './decode-bedrock-invoke-stream.js';
import { encodeBedrockInvokeBody } from './encode-bedrock-invoke-request.js';

const PROVIDER = 'bedrock';

/** Creates the adapter for Bedrock InvokeModel / InvokeModelWithResponseStream with Anthropic models. */
export function createBedrockInvokeAdapter(options: BedrockAdapterOptions = {}): ProviderAdapter {
  const clock = options.clock ?? (() => new Date());
  return {
    provider: PROVIDER,
    encodeRequest: async (request, target) =>
      buildBedrockHttpRequest(
        target,
        request.stream ? 'invoke-with-response-stream' : 'invoke',
        encodeBedrockInvokeBody(request, target.model),
        // InvokeModel's Accept names the model's response type; the streaming call moves it to
        // X-Amzn-Bedrock-Accept because the HTTP body is the event stream.
        request.stream ? { 'x-amzn-bedrock-accept': 'application/json' } : { accept: 'application/json' },
        clock(),
      ),
    decodeResponse: (body, headers) => decodeBedrockInvokeResponse(body, headers, PROVIDER),
    decodeStream: (body, headers) => decodeBedrockInvokeStream(body, headers, PROVIDER),
    decodeError: (status, headers, body) => decodeBedrockError(status, headers, body, PROVIDER),
  };
}
