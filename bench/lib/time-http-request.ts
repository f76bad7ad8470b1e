// One HTTP request timed from the client's side with a high-resolution clock: time to the first body byte
// and to the end of the body. Uses node:http over one keep-alive socket per target, so every sample is a
// warm connection and the client's own cost is identical for every system measured (it cancels out when a
// baseline measured the same way is subtracted).
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

/** A request to time. */
export interface TimedRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The client-side timing of one request. */
export interface RequestTiming {
  status: number;
  /** From just before the request is written to the first body byte (not the headers), ms. */
  firstByteMs: number;
  /** From just before the request is written to the end of the body, ms. */
  totalMs: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body, only when asked for: collecting it costs time the loop should not measure. */
  body?: string;
}

/** A client holding one warm connection to one origin. */
export interface TimingClient {
  send(request: TimedRequest, options?: { keepBody?: boolean; timeoutMs?: number }): Promise<RequestTiming>;
  close(): void;
}

/** Creates a client whose requests share a single keep-alive socket. */
export function createTimingClient(): TimingClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    send(request, options = {}) {
      return new Promise((resolve, reject) => {
        const body = request.body === undefined ? undefined : Buffer.from(request.body);
        const headers: Record<string, string> = { ...request.headers };
        if (body) headers['content-length'] = String(body.length);
        const start = performance.now();
        let firstByteMs = -1;
        const chunks: Buffer[] = [];
        const req = httpRequest(request.url, { method: request.method ?? 'POST', headers, agent }, (res) => {
          res.on('data', (chunk: Buffer) => {
            if (firstByteMs < 0) firstByteMs = performance.now() - start;
            if (options.keepBody) chunks.push(chunk);
          });
          res.on('end', () => {
            const totalMs = performance.now() - start;
            resolve({
              status: res.statusCode ?? 0,
              firstByteMs: firstByteMs < 0 ? totalMs : firstByteMs,
              totalMs,
              headers: res.headers,
              ...(options.keepBody ? { body: Buffer.concat(chunks).toString('utf8') } : {}),
            });
          });
          res.on('error', reject);
        });
        req.setTimeout(options.timeoutMs ?? 10_000, () =>
          req.destroy(new Error(`no answer from ${request.url} within the timeout`)),
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
