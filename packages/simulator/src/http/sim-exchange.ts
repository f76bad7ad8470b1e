// One request/response pair, the same shape over HTTP/1.1 and cleartext HTTP/2 (Node's compatibility API).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants as h2, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';

/** A received request and the means to answer (or break) it. */
export interface SimExchange {
  transport: 'http1' | 'http2';
  method: string;
  /** Path as sent, still percent-encoded, without the query. */
  rawPath: string;
  query: URLSearchParams;
  /** Lower-cased header names, single values; HTTP/2 `:authority` is also exposed as `host`. */
  headers: Record<string, string>;
  body: Buffer;
  res: ServerResponse | Http2ServerResponse;
  /** Break the exchange without a response: TCP reset on HTTP/1.1, RST_STREAM on HTTP/2. */
  reset(): void;
  /** True once the client has gone away. */
  isClosed(): boolean;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (headers.host === undefined && headers[':authority'] !== undefined) headers.host = headers[':authority'];
  return headers;
}

/** Too large a body is answered by the provider; reading stops at the limit. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

async function readBody(req: IncomingMessage | Http2ServerRequest, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLargeError(`request body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Read the request body and wrap the pair. */
export async function createExchange(
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
  maxBodyBytes: number,
): Promise<SimExchange> {
  const transport = 'stream' in req && req.stream ? 'http2' : 'http1';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const exchange: SimExchange = {
    transport,
    method: (req.method ?? 'GET').toUpperCase(),
    rawPath: q >= 0 ? url.slice(0, q) : url,
    query: new URLSearchParams(q >= 0 ? url.slice(q + 1) : ''),
    headers: flattenHeaders(req.headers),
    body: Buffer.alloc(0),
    res,
    reset() {
      if ('stream' in req && req.stream) {
        if (!req.stream.destroyed) req.stream.close(h2.NGHTTP2_INTERNAL_ERROR);
        return;
      }
      const socket = (req as IncomingMessage).socket;
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
    },
    isClosed: () =>
      res.destroyed || ('stream' in req && req.stream ? req.stream.destroyed : req.socket.destroyed),
  };
  exchange.body = await readBody(req, maxBodyBytes);
  return exchange;
}
