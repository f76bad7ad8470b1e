// Added latency at one connection: the same request, sequentially, straight to the simulator and through the
// system, paired round by round. What the system adds is the per-round difference; its percentiles are
// reported (not the difference of two percentiles, which lets unrelated tails cancel). Used for full
// responses (total time) and for streams (time to the first body byte).
import { runPairedRounds } from '../lib/run-paired-rounds.js';
import { pairedDifferences, summarize, type SampleSummary } from '../lib/summarize-samples.js';
import { createTimingClient, type RequestTiming, type TimedRequest } from '../lib/time-http-request.js';

/** Options of one added-latency measurement. */
export interface AddedLatencyOptions {
  baseline: TimedRequest;
  measured: TimedRequest;
  /** Which client-side time is compared. */
  figure: 'totalMs' | 'firstByteMs';
  /** Checks one full response; a problem aborts the measurement. */
  problem: (timing: RequestTiming) => string | undefined;
  warmup: number;
  rounds: number;
  maxMs: number;
}

/** Figures of one added-latency measurement, in ms. */
export interface AddedLatencyFigures {
  rounds: number;
  truncated: boolean;
  baseline: SampleSummary;
  system: SampleSummary;
  /** Per-round system minus baseline. */
  added: SampleSummary;
}

/** Runs the paired loop; throws when any response is not the expected 200. */
export async function measureAddedLatency(options: AddedLatencyOptions): Promise<AddedLatencyFigures> {
  const baselineClient = createTimingClient();
  const measuredClient = createTimingClient();
  try {
    // Both arms are checked in full once, then every sample is checked for its status (cheap) so a system
    // that starts failing mid-run aborts the figure rather than improving it.
    for (const [name, client, request] of [
      ['simulator', baselineClient, options.baseline],
      ['system', measuredClient, options.measured],
    ] as const) {
      const problem = options.problem(await client.send(request, { keepBody: true }));
      if (problem) throw new Error(`${name}: ${problem}`);
    }
    const sample = (client: typeof baselineClient, request: TimedRequest) => async () => {
      const timing = await client.send(request);
      if (timing.status !== 200) throw new Error(`status ${timing.status} during the loop`);
      return timing[options.figure];
    };
    const samples = await runPairedRounds({
      warmup: options.warmup,
      rounds: options.rounds,
      maxMs: options.maxMs,
      baseline: sample(baselineClient, options.baseline),
      measured: sample(measuredClient, options.measured),
    });
    if (samples.measured.length === 0) throw new Error('no rounds completed within the time budget');
    return {
      rounds: samples.measured.length,
      truncated: samples.truncated,
      baseline: summarize(samples.baseline),
      system: summarize(samples.measured),
      added: summarize(pairedDifferences(samples.measured, samples.baseline)),
    };
  } finally {
    baselineClient.close();
    measuredClient.close();
  }
}
