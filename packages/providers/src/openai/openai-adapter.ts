// The OpenAI Chat Completions adapter: OpenAI itself, or — with `provider: 'openai-compatible'` and the
// target's baseUrl — vLLM, Ollama, LM Studio and any server speaking the same wire.
import type { ChatRequest } from '@rampart/spec';
import type { HeaderMap, ProviderAdapter, UpstreamHttpRequest, UpstreamTarget } from '../provider-adapter.js';
import { decodeOpenAIError } from './decode-openai-error.js';
import { decodeOpenAIResponse } from './decode-openai-response.js';
import { decodeOpenAIStream } from './decode-openai-stream.js';
import { encodeOpenAIRequest } from './encode-openai-request.js';

/** Options of createOpenAIAdapter. */
export interface OpenAIAdapterOptions {
  /** `openai` (default) speaks OpenAI's own dialect strictly; any other name is read as a compatible server. */
  provider?: string;
  /** Require `data: [DONE]` to end a stream. Default: true for `openai`, false for compatible servers. */
  requireDone?: boolean;
  /** Clock for retry-after given as an HTTP date; defaults to Date.now. */
  now?: () => number;
}

/** Creates a ProviderAdapter for the OpenAI Chat Completions wire. */
export function createOpenAIAdapter(options: OpenAIAdapterOptions = {}): ProviderAdapter {
  const provider = options.provider ?? 'openai';
  const official = provider === 'openai';
  const requireDone = options.requireDone ?? official;
  const now = options.now ?? Date.now;

  return {
    provider,

    async encodeRequest(request: ChatRequest, target: UpstreamTarget): Promise<UpstreamHttpRequest> {
      const body = encodeOpenAIRequest(request, target.model, { official });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: request.stream ? 'text/event-stream' : 'application/json',
      };
      if (target.credentials.kind === 'api-key')
        headers.authorization = `Bearer ${target.credentials.apiKey}`;
      return {
        method: 'POST',
        url: `${target.baseUrl.replace(/\/+$/, '')}/chat/completions`,
        headers,
        body: JSON.stringify(body),
      };
    },

    decodeResponse: (body: Uint8Array, headers: HeaderMap) => decodeOpenAIResponse(provider, body, headers),

    decodeStream: (body: AsyncIterable<Uint8Array>, headers: HeaderMap) =>
      decodeOpenAIStream(body, headers, { provider, requireDone }),

    decodeError: (status: number, headers: HeaderMap, body: Uint8Array) =>
      decodeOpenAIError(provider, status, headers, body, now()),
  };
}
