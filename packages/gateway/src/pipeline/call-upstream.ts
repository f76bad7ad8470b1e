// One call to one upstream: encode, send, decode. Everything above this (routing, retries, fallback)
// composes these two functions; everything below is the adapter's codec and the transport.
import type { ChatRequest, ChatResponse, StreamEvent } from '@rampart/spec';
import type { CallCache } from '../prompt-cache/prompt-cache-service.js';
import type { ModelCandidate } from '../routing/resolve-model.js';
import type { UpstreamTransport } from '../transport/upstream-transport.js';

/** Sends a non-streamed request to one candidate and returns its canonical answer. */
export async function completeOnce(
  transport: UpstreamTransport,
  request: ChatRequest,
  candidate: ModelCandidate,
  signal?: AbortSignal,
  /** Cache breakpoints and canonical content depend on the target, so they are planned per candidate. */
  cache?: CallCache,
): Promise<ChatResponse> {
  const { provider } = candidate;
  const httpRequest = await provider.adapter.encodeRequest(
    { ...(cache ? cache.prepare(request) : request), stream: false },
    targetOf(candidate),
  );
  const response = await transport.send(httpRequest, {
    provider: provider.name,
    ...(signal ? { signal } : {}),
  });
  const body = await response.bytes();
  if (response.status < 200 || response.status >= 300)
    throw provider.adapter.decodeError(response.status, response.headers, body);
  const decoded = provider.adapter.decodeResponse(body, response.headers);
  cache?.settle(decoded.usage);
  // Some wires (Bedrock Converse) do not name the model in their answer: it is the one we called.
  return decoded.model === '' ? { ...decoded, model: candidate.upstreamModel } : decoded;
}

/** Opens a streamed request to one candidate; upstream error statuses throw before any event. */
export async function streamOnce(
  transport: UpstreamTransport,
  request: ChatRequest,
  candidate: ModelCandidate,
  signal?: AbortSignal,
  cache?: CallCache,
): Promise<AsyncIterable<StreamEvent>> {
  const { provider } = candidate;
  const httpRequest = await provider.adapter.encodeRequest(
    { ...(cache ? cache.prepare(request) : request), stream: true },
    targetOf(candidate),
  );
  const response = await transport.send(httpRequest, {
    provider: provider.name,
    ...(signal ? { signal } : {}),
  });
  if (response.status < 200 || response.status >= 300) {
    throw provider.adapter.decodeError(response.status, response.headers, await response.bytes());
  }
  const events = provider.adapter.decodeStream(response.body, response.headers);
  return cache ? cache.observe(events) : events;
}

function targetOf({ provider, upstreamModel }: ModelCandidate) {
  return {
    baseUrl: provider.baseUrl,
    model: upstreamModel,
    credentials: provider.credentials,
    ...(provider.region ? { region: provider.region } : {}),
  };
}
