// The Bedrock Converse adapter (provider `bedrock-converse`): Bedrock's model-neutral chat API.
import type { ProviderAdapter } from '../provider-adapter.js';
import { buildBedrockHttpRequest } from './build-bedrock-http-request.js';
import type { BedrockAdapterOptions } from './build-bedrock-http-request.js';
import { decodeBedrockError } from './decode-bedrock-error.js';
import { decodeConverseResponse } from './decode-converse-response.js';
import { decodeConverseStream } from './decode-converse-stream.js';
import { encodeConverseRequest } from './encode-converse-request.js';

const PROVIDER = 'bedrock-converse';

/** Creates the adapter for Bedrock Converse / ConverseStream. */
export function createBedrockConverseAdapter(options: BedrockAdapterOptions = {}): ProviderAdapter {
  const clock = options.clock ?? (() => new Date());
  return {
    provider: PROVIDER,
    encodeRequest: async (request, target) =>
      buildBedrockHttpRequest(
        target,
        request.stream ? 'converse-stream' : 'converse',
        encodeConverseRequest(request),
        {},
        clock(),
      ),
    decodeResponse: (body, headers) => decodeConverseResponse(body, headers, PROVIDER),
    decodeStream: (body, headers) => decodeConverseStream(body, headers, PROVIDER),
    decodeError: (status, headers, body) => decodeBedrockError(status, headers, body, PROVIDER),
  };
}
