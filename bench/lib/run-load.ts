// Closed-loop load: N connections, each sending the next request as soon as the previous answer is complete,
// for a fixed time. autocannon (mcollina, used across the Fastify/Node ecosystem) drives the sockets with a
// hand-written HTTP/1.1 parser, so the generator needs far less CPU per request than the servers it measures.
import autocannon from 'autocannon';

/** One HTTP request as the load generator sends it. */
export interface LoadRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The figures of one load run. */
export interface LoadResult {
  connections: number;
  durationSeconds: number;
  /** Successful (2xx) responses per second over the whole run: failures are never counted as throughput. */
  successPerSecond: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Latency of 2xx responses, in ms (autocannon's histogram has 1 ms resolution at this scale). */
  latencyP50Ms: number;
  latencyP99Ms: number;
  statusCodes: Record<string, number>;
}

/** Runs `connections` closed-loop connections against one request for `durationSeconds`. */
export async function runLoad(
  request: LoadRequest,
  connections: number,
  durationSeconds: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url: request.url,
    method: request.method ?? 'POST',
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
    connections,
    pipelining: 1,
    duration: durationSeconds,
    timeout: 10,
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = Number(count);
  return {
    connections,
    durationSeconds: result.duration,
    successPerSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    statusCodes,
  };
}
