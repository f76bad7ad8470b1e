// The outbound adapter for Anthropic's Messages API (api.anthropic.com or anything speaking it).
import { RampartError, UpstreamError } from '@rampart/spec';
import type { ChatRequest, ChatResponse, StreamEvent } from '@rampart/spec';
import type { HeaderMap, ProviderAdapter, UpstreamHttpRequest, UpstreamTarget } from '../provider-adapter.js';
import { createAnthropicEventDecoder } from './create-anthropic-event-decoder.js';
import { decodeAnthropicErrorBody } from './decode-anthropic-error.js';
import { decodeAnthropicMessage } from './decode-anthropic-message.js';
import { encodeAnthropicMessagesBody } from './encode-anthropic-messages-body.js';
import { headerValue } from './parse-retry-after.js';
import { readAnthropicSse } from './read-anthropic-sse.js';

/**
 * The API version we send. 2023-06-01 works with every key and still accepts temperature/top_p/top_k,
 * which 2026-10-21 rejects with a 400; clients on either version are translated into it.
 */
export const ANTHROPIC_OUTBOUND_VERSION = '2023-06-01';

/** Options for the Anthropic adapter. */
export interface AnthropicAdapterOptions {
  /** Provider name in errors, logs and metrics; defaults to `anthropic`. */
  provider?: string;
  /** Values for the `anthropic-beta` header, e.g. `extended-cache-ttl-2025-04-11` on older deployments. */
  betas?: string[];
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Stamps the response's request-id on a stream failure that lacks one: support needs it for cut streams too. */
function withRequestId(error: unknown, requestId: string | undefined): unknown {
  if (!(error instanceof UpstreamError) || error.upstreamRequestId !== undefined || requestId === undefined) {
    return error;
  }
  return new UpstreamError(error.code, error.message, {
    provider: error.provider,
    status: error.status,
    retryable: error.retryable,
    responseStarted: error.responseStarted,
    upstreamRequestId: requestId,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    ...(error.upstreamStatus === undefined ? {} : { upstreamStatus: error.upstreamStatus }),
    ...(error.upstreamType === undefined ? {} : { upstreamType: error.upstreamType }),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  });
}

function parseJson(text: string, provider: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new UpstreamError('upstream_error', `${provider} returned a body that is not JSON`, {
      provider,
      cause,
    });
  }
}

function isErrorBody(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as Record<string, unknown>)['type'] === 'error';
}

/** Creates the adapter that calls POST {baseUrl}/v1/messages with an API key. */
export function createAnthropicAdapter(options: AnthropicAdapterOptions = {}): ProviderAdapter {
  const provider = options.provider ?? 'anthropic';
  const utf8 = new TextDecoder('utf-8');

  async function encodeRequest(request: ChatRequest, target: UpstreamTarget): Promise<UpstreamHttpRequest> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: request.stream ? 'text/event-stream' : 'application/json',
      'anthropic-version': ANTHROPIC_OUTBOUND_VERSION,
    };
    if (target.credentials.kind === 'api-key') headers['x-api-key'] = target.credentials.apiKey;
    else if (target.credentials.kind === 'aws-sigv4') {
      throw new RampartError('internal', `${provider} targets take an API key, not AWS credentials`);
    }
    if (options.betas !== undefined && options.betas.length > 0)
      headers['anthropic-beta'] = options.betas.join(',');
    // The upstream model id decides the default max_tokens, so it stands in for the client's alias here.
    const body = {
      model: target.model,
      ...encodeAnthropicMessagesBody({ ...request, model: target.model }),
      ...(request.stream ? { stream: true } : {}),
    };
    return { method: 'POST', url: `${target.baseUrl}/v1/messages`, headers, body: JSON.stringify(body) };
  }

  function decodeResponse(body: Uint8Array, headers: HeaderMap): ChatResponse {
    const text = utf8.decode(body);
    const json = parseJson(text, provider);
    // A 200 carrying {"type":"error"} (seen behind some proxies) is a failure, never an empty answer.
    if (isErrorBody(json)) throw decodeAnthropicErrorBody(200, headers, text, provider);
    return decodeAnthropicMessage(json, provider);
  }

  async function* decodeSse(body: AsyncIterable<Uint8Array>, headers: HeaderMap): AsyncIterable<StreamEvent> {
    const decoder = createAnthropicEventDecoder(provider);
    for await (const item of readAnthropicSse(body, provider)) {
      if (item.kind === 'non_sse') {
        if (isErrorBody(tryParseJson(item.text)))
          throw decodeAnthropicErrorBody(200, headers, item.text, provider);
        throw new UpstreamError('stream_error', `${provider} answered a stream request without SSE`, {
          provider,
        });
      }
      yield* decoder.push(item.event);
    }
    decoder.end();
  }

  async function* decodeStream(
    body: AsyncIterable<Uint8Array>,
    headers: HeaderMap,
  ): AsyncIterable<StreamEvent> {
    try {
      yield* decodeSse(body, headers);
    } catch (error) {
      throw withRequestId(error, headerValue(headers, 'request-id'));
    }
  }

  function decodeError(status: number, headers: HeaderMap, body: Uint8Array): UpstreamError {
    return decodeAnthropicErrorBody(status, headers, utf8.decode(body), provider);
  }

  return { provider, encodeRequest, decodeResponse, decodeStream, decodeError };
}
