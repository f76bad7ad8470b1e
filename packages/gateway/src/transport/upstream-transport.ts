// The gateway's only door to upstreams: pooled keep-alive HTTP via undici's request API (much cheaper per
// call than fetch), with cancellation through AbortSignal so timed-out work really stops.
import { Agent, type Dispatcher } from 'undici';
import { UpstreamError } from '@rampart/spec';
import type { HeaderMap, UpstreamHttpRequest } from '@rampart/providers';

/** An upstream's answer with its body still unread. */
export interface UpstreamHttpResponse {
  status: number;
  headers: HeaderMap;
  body: AsyncIterable<Uint8Array>;
  /** Reads the whole body. */
  bytes(): Promise<Uint8Array>;
}

/** Sends upstream requests over pooled connections. */
export interface UpstreamTransport {
  send(
    request: UpstreamHttpRequest,
    options: { provider: string; signal?: AbortSignal },
  ): Promise<UpstreamHttpResponse>;
  close(): Promise<void>;
}

/** Creates the transport; one per gateway process. */
export function createUpstreamTransport(
  options: { connections?: number; headersTimeoutMs?: number } = {},
): UpstreamTransport {
  const agent = new Agent({
    connections: options.connections ?? 256,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: options.headersTimeoutMs ?? 300_000,
    bodyTimeout: 300_000,
  });
  return {
    async send(request, { provider, signal }) {
      let response: Dispatcher.ResponseData;
      try {
        const { origin, path } = splitUrl(request.url);
        response = await agent.request({
          origin,
          path,
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: signal ?? null,
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        throw new UpstreamError(
          'connection_failed',
          `could not reach ${provider}: ${(error as Error).message}`,
          {
            provider,
            cause: error,
          },
        );
      }
      const body = response.body;
      return {
        status: response.statusCode,
        headers: response.headers,
        body: reportCuts(body, provider, response.statusCode, signal),
        async bytes() {
          try {
            return new Uint8Array(await body.arrayBuffer());
          } catch (error) {
            if (signal?.aborted) throw signal.reason ?? error;
            throw new UpstreamError(
              'stream_interrupted',
              `${provider} cut the response body: ${(error as Error).message}`,
              {
                provider,
                upstreamStatus: response.statusCode,
                cause: error,
              },
            );
          }
        },
      };
    },
    close: () => agent.close(),
  };
}

/** A socket failure while reading a body is a cut stream, in our vocabulary, not a raw socket error. */
async function* reportCuts(
  body: AsyncIterable<Uint8Array>,
  provider: string,
  status: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    throw new UpstreamError(
      'stream_interrupted',
      `${provider} cut the response body: ${(error as Error).message}`,
      {
        provider,
        upstreamStatus: status,
        cause: error,
      },
    );
  }
}

// Upstream URLs repeat (one per provider × model × operation), and WHATWG URL parsing is among the costlier
// steps of a request: each distinct URL is parsed once.
const splitUrls = new Map<string, { origin: string; path: string }>();
const MAX_SPLIT_URLS = 10_000;

function splitUrl(url: string): { origin: string; path: string } {
  let split = splitUrls.get(url);
  if (split === undefined) {
    const parsed = new URL(url);
    split = { origin: parsed.origin, path: parsed.pathname + parsed.search };
    if (splitUrls.size >= MAX_SPLIT_URLS) splitUrls.clear();
    splitUrls.set(url, split);
  }
  return split;
}
