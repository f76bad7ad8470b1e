// POST /v1/chat/completions and POST /v1/messages: decode in the client's format, call upstream, answer
// in the client's format. The only place where errors become HTTP responses for these routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toRampartError, type ChatRequest, type StreamEvent } from '@rampart/spec';
import type { InboundCodec, InboundStreamEncoder } from '@rampart/providers';
import type { Logger } from '../observability/logger.js';
import { completeOnce, streamOnce } from '../pipeline/call-upstream.js';
import type { ModelCandidate, ModelResolver } from '../routing/resolve-model.js';
import type { UpstreamTransport } from '../transport/upstream-transport.js';
import { readJsonBody } from './read-json-body.js';
import { sendJson } from './send-json.js';

/** What the chat routes need from the gateway. */
export interface ChatRouteDeps {
  transport: UpstreamTransport;
  resolver: ModelResolver;
  logger: Logger;
  maxBodyBytes: number;
}

/** A format-specific check of the raw request before decoding (e.g. Anthropic's version rules). */
export type InboundPrecheck = (headers: IncomingMessage['headers'], body: unknown) => void;

/** Serves one chat request end to end. Never throws: every failure is answered in the client's protocol. */
export async function handleChatRoute<Options>(
  codec: InboundCodec<Options>,
  deps: ChatRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  precheck?: InboundPrecheck,
): Promise<void> {
  const startedAt = performance.now();
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(new Error('the client went away'));
  });
  let candidate: ModelCandidate | undefined;
  let request: ChatRequest | undefined;
  try {
    const body = await readJsonBody(req, deps.maxBodyBytes);
    precheck?.(req.headers, body);
    const decoded = codec.decodeRequest(body);
    request = decoded.request;
    [candidate] = deps.resolver.resolve(request.model);
    if (!candidate) throw new Error(`no candidate for ${request.model}`);
    const headers = {
      'x-request-id': requestId,
      'x-rampart-provider': candidate.provider.name,
      'x-rampart-model': candidate.upstreamModel,
    };
    if (!request.stream) {
      const response = await completeOnce(deps.transport, request, candidate, abort.signal);
      sendJson(res, 200, codec.encodeResponse(response, decoded.options), headers);
    } else {
      const events = await streamOnce(deps.transport, request, candidate, abort.signal);
      await relayStream(events, codec.createStreamEncoder(decoded.options), res, headers, requestId);
    }
    log(deps.logger, 'info', requestId, req, res.statusCode, startedAt, request, candidate);
  } catch (thrown) {
    const error = toRampartError(thrown);
    if (!res.headersSent) {
      const encoded = codec.encodeError(error, requestId);
      sendJson(res, encoded.status, encoded.body, { ...encoded.headers, 'x-request-id': requestId });
    } else if (!res.writableEnded) {
      res.end();
    }
    const level = error.status >= 500 ? 'error' : 'warn';
    log(deps.logger, level, requestId, req, res.statusCode, startedAt, request, candidate, error);
  }
}

/**
 * Relays canonical events as the client's SSE. The response is held until the first event arrives, so a
 * failure before it is still a plain HTTP error; after it, a failure is written as the protocol's own
 * error event: the stream never ends as if it had finished.
 */
async function relayStream(
  events: AsyncIterable<StreamEvent>,
  encoder: InboundStreamEncoder,
  res: ServerResponse,
  headers: Record<string, string>,
  requestId: string,
): Promise<void> {
  const iterator = events[Symbol.asyncIterator]();
  let next = await iterator.next();
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  try {
    while (!next.done) {
      const text = encoder.event(next.value);
      if (text !== '' && !res.write(text)) await drained(res);
      next = await iterator.next();
    }
  } catch (thrown) {
    if (!res.writableEnded && !res.destroyed) res.write(encoder.error(toRampartError(thrown), requestId));
  }
  res.end();
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function log(
  logger: Logger,
  level: 'info' | 'warn' | 'error',
  requestId: string,
  req: IncomingMessage,
  status: number,
  startedAt: number,
  request: ChatRequest | undefined,
  candidate: ModelCandidate | undefined,
  error?: ReturnType<typeof toRampartError>,
): void {
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      requestId,
      route: req.url,
      status,
      model: request?.model,
      stream: request?.stream,
      provider: candidate?.provider.name,
      upstreamModel: candidate?.upstreamModel,
      durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
      ...(error ? { errorCode: error.code, error: error.message, ...(error.status >= 500 ? { cause: String(error.cause ?? '') } : {}) } : {}),
    },
    error ? 'request failed' : 'request served',
  );
}
