// Throughput: closed-loop load at each connection count for a fixed time, with the system's resident memory
// sampled throughout. Only successful responses count, and a run with more than 0.1% failures is not a
// throughput figure at all.
import type { LoadRequest, LoadResult } from '../lib/run-load.js';
import { runLoad } from '../lib/run-load.js';
import { attempt, type Outcome } from '../lib/outcome.js';
import { readRssBytes, startRssSampler } from '../lib/sample-rss.js';
import { createTimingClient } from '../lib/time-http-request.js';
import { chatCompletionProblem } from './check-response.js';

/** Throughput options. */
export interface ThroughputOptions {
  connections: readonly number[];
  durationSeconds: number;
  /** Load run first and discarded, so the JIT and connection pools are warm. */
  warmupSeconds: number;
}

/** One system's throughput and memory figures. */
export interface ThroughputFigures {
  /** Keyed by connection count. */
  runs: Record<string, Outcome<LoadResult>>;
  idleRssBytes: number | undefined;
  /** Highest VmRSS sampled every 100 ms during the measured runs. */
  peakRssBytes: number | undefined;
}

const MAX_FAILURE_RATIO = 0.001;

/** One load run that throws unless (nearly) every request succeeded. */
export async function runCheckedLoad(
  request: LoadRequest,
  connections: number,
  durationSeconds: number,
): Promise<LoadResult> {
  const result = await runLoad(request, connections, durationSeconds);
  const failed = result.non2xx + result.errors;
  if (result.ok === 0 || failed > result.ok * MAX_FAILURE_RATIO) {
    throw new Error(
      `${failed} failed of ${result.ok + failed} (statuses ${JSON.stringify(result.statusCodes)}, ${result.errors} errors)`,
    );
  }
  return result;
}

/** Measures `request` against the system whose process is `pid`. */
export async function measureThroughput(
  request: LoadRequest,
  pid: number,
  options: ThroughputOptions,
): Promise<ThroughputFigures> {
  const client = createTimingClient();
  try {
    const problem = chatCompletionProblem(await client.send(request, { keepBody: true }));
    if (problem) throw new Error(`the request does not succeed: ${problem}`);
  } finally {
    client.close();
  }
  const idleRssBytes = readRssBytes(pid);
  if (options.warmupSeconds > 0) await runLoad(request, options.connections[0] ?? 10, options.warmupSeconds);

  const runs: Record<string, Outcome<LoadResult>> = {};
  let peakRssBytes: number | undefined;
  for (const connections of options.connections) {
    const sampler = startRssSampler({ system: pid });
    runs[connections] = await attempt(() => runCheckedLoad(request, connections, options.durationSeconds));
    const peak = sampler.stop().system?.peakBytes;
    if (peak) peakRssBytes = Math.max(peakRssBytes ?? 0, peak);
  }
  return { runs, idleRssBytes, peakRssBytes };
}
