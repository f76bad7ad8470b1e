// Failover cost: the primary target answers 503 (a simulator fault matched by provider and model), the
// secondary answers 200. Each round times the failing primary and the secondary called directly — the
// upstream time no gateway can avoid — and the same request through the gateway's fallback config. The
// gateway's own cost is the per-round difference. The simulator's counters then prove the gateway really
// tried the primary on every request: a gateway that skipped it would look cheaper than it is.
import { runPairedRounds } from '../lib/run-paired-rounds.js';
import { pairedDifferences, summarize, type SampleSummary } from '../lib/summarize-samples.js';
import { createTimingClient, type TimedRequest } from '../lib/time-http-request.js';
import { chatCompletionProblem } from './check-response.js';
import { PRIMARY_FAILURE_RULE, SECONDARY_MODEL_PREFIX } from './gateway-requests.js';
import { addFault, providerCounts, resetSimulator } from './sim-control.js';

/** Options of the fallback measurement. */
export interface FallbackOptions {
  simulatorUrl: string;
  viaSystem: TimedRequest;
  directPrimary: TimedRequest;
  directSecondary: TimedRequest;
  warmup: number;
  rounds: number;
  maxMs: number;
}

/** Fallback figures, in ms. */
export interface FallbackFigures {
  rounds: number;
  truncated: boolean;
  /** Client-side time of the whole request through the gateway. */
  total: SampleSummary;
  /** The failing primary's own response time (503, direct). */
  primaryOwn: SampleSummary;
  /** The secondary's own response time (200, direct). */
  secondaryOwn: SampleSummary;
  /** Per round: total − primary's own − secondary's own. */
  added: SampleSummary;
  /** Requests the gateway sent to the failing primary, per request it received. */
  primaryAttemptsPerRequest: number;
}

/** Measures failover through one gateway; throws (n/a) when the gateway does not fall back. */
export async function measureFallback(options: FallbackOptions): Promise<FallbackFigures> {
  const direct = createTimingClient();
  const system = createTimingClient();
  await resetSimulator(options.simulatorUrl);
  try {
    await addFault(options.simulatorUrl, PRIMARY_FAILURE_RULE);
    const probe = await system.send(options.viaSystem, { keepBody: true });
    const problem = chatCompletionProblem(probe, SECONDARY_MODEL_PREFIX);
    if (problem) throw new Error(`does not fall back to the secondary (${problem})`);

    const before = await providerCounts(options.simulatorUrl, 'openai');
    let directPrimaryCalls = 0;
    let systemCalls = 0;
    const primaryOwn: number[] = [];
    const secondaryOwn: number[] = [];
    const samples = await runPairedRounds({
      warmup: options.warmup,
      rounds: options.rounds,
      maxMs: options.maxMs,
      baseline: async () => {
        const primary = await direct.send(options.directPrimary);
        directPrimaryCalls++;
        if (primary.status !== 503)
          throw new Error(`the primary answered ${primary.status} directly, expected 503`);
        const secondary = await direct.send(options.directSecondary);
        if (secondary.status !== 200) throw new Error(`the secondary answered ${secondary.status} directly`);
        primaryOwn.push(primary.totalMs);
        secondaryOwn.push(secondary.totalMs);
        return primary.totalMs + secondary.totalMs;
      },
      measured: async () => {
        const timing = await system.send(options.viaSystem);
        systemCalls++;
        if (timing.status !== 200) throw new Error(`status ${timing.status} during the loop`);
        return timing.totalMs;
      },
    });
    const after = await providerCounts(options.simulatorUrl, 'openai');
    const primaryFailures = (after.outcomes['fault:status'] ?? 0) - (before.outcomes['fault:status'] ?? 0);
    const attemptsPerRequest = (primaryFailures - directPrimaryCalls) / systemCalls;
    // Below 1 means the primary was skipped on some requests (e.g. an open breaker): then "beyond the failing
    // upstream's own time" would subtract time the request never spent, so this figure is not valid.
    if (attemptsPerRequest < 1) {
      throw new Error(
        `the primary was tried on only ${(attemptsPerRequest * 100).toFixed(1)}% of requests; measure the open-breaker case separately`,
      );
    }
    // Warm-up rounds fed the direct-time arrays too; keep only the measured rounds, still aligned.
    const measuredRounds = samples.measured.length;
    const primary = primaryOwn.slice(-measuredRounds);
    const secondary = secondaryOwn.slice(-measuredRounds);
    return {
      rounds: measuredRounds,
      truncated: samples.truncated,
      total: summarize(samples.measured),
      primaryOwn: summarize(primary),
      secondaryOwn: summarize(secondary),
      added: summarize(pairedDifferences(samples.measured, samples.baseline)),
      primaryAttemptsPerRequest: attemptsPerRequest,
    };
  } finally {
    direct.close();
    system.close();
    await resetSimulator(options.simulatorUrl);
  }
}
