// Failover cost: the primary target answers 503 (a simulator fault matched by provider and model), the
// secondary answers 200. Each round times the failing primary and the secondary called directly — the
// upstream time no gateway can avoid — and the same request through the gateway's fallback config. The
// gateway's own cost is the per-round difference. The simulator's counters say, per round, whether the
// gateway really tried the primary: rounds where a breaker skipped it are reported apart, never credited
// with the primary's time (that would make skipping look like a fast failover).
import { runPairedRounds } from '../lib/run-paired-rounds.js';
import { summarize, type SampleSummary } from '../lib/summarize-samples.js';
import { createTimingClient, type TimedRequest } from '../lib/time-http-request.js';
import { chatCompletionProblem } from './check-response.js';
import { PRIMARY_FAILURE_RULE } from './gateway-requests.js';
import { simControl } from '../lib/sim-control.js';

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

/** Fallback figures for one set of rounds, in ms. */
export interface FallbackCase {
  rounds: number;
  /** Client-side time of the whole request through the gateway. */
  total: SampleSummary;
  /** Per round: total − the upstream time that case cannot avoid (see below). */
  added: SampleSummary;
}

/** Fallback figures, in ms. */
export interface FallbackFigures {
  rounds: number;
  truncated: boolean;
  /** The failing primary's own response time (503, direct). */
  primaryOwn: SampleSummary;
  /** The secondary's own response time (200, direct). */
  secondaryOwn: SampleSummary;
  /** Rounds where the gateway tried the primary: added = total − primary's own − secondary's own. */
  primaryTried?: FallbackCase;
  /** Rounds where it skipped the primary (an open breaker): added = total − secondary's own. */
  primarySkipped?: FallbackCase;
}

/** Measures failover through one gateway; throws (n/a) when the gateway does not fall back. */
export async function measureFallback(options: FallbackOptions): Promise<FallbackFigures> {
  const direct = createTimingClient();
  const system = createTimingClient();
  const primaryFailures = async () =>
    (await simControl(options.simulatorUrl).stats()).openai?.outcomes['fault:status'] ?? 0;
  const secondaryServed = async () =>
    (await simControl(options.simulatorUrl).stats()).anthropic?.outcomes.ok ?? 0;
  await simControl(options.simulatorUrl).reset();
  try {
    await simControl(options.simulatorUrl).addFaults([PRIMARY_FAILURE_RULE]);
    // The probe must have gone to the failing primary, then been served by the secondary. The response body
    // alone cannot tell (a gateway may name the model the client asked for), the simulator's counters can.
    const probe = await system.send(options.viaSystem, { keepBody: true });
    const problem = chatCompletionProblem(probe);
    if (problem) throw new Error(`does not fall back to the secondary (${problem})`);
    if ((await primaryFailures()) !== 1 || (await secondaryServed()) !== 1) {
      throw new Error('the first request did not go primary (503) → secondary (200)');
    }

    // Whether the primary was tried is read per round from the simulator's counters (outside the timed
    // part): a breaker may skip it, and a skipped round must not be credited with the primary's time.
    let lastFailures = await primaryFailures();
    let directSinceLast = 0;
    const primaryOwn: number[] = [];
    const secondaryOwn: number[] = [];
    const tried: boolean[] = [];
    const samples = await runPairedRounds({
      warmup: options.warmup,
      rounds: options.rounds,
      maxMs: options.maxMs,
      baseline: async () => {
        const primary = await direct.send(options.directPrimary);
        directSinceLast++;
        if (primary.status !== 503)
          throw new Error(`the primary answered ${primary.status} directly, expected 503`);
        const secondary = await direct.send(options.directSecondary);
        if (secondary.status !== 200) throw new Error(`the secondary answered ${secondary.status} directly`);
        primaryOwn.push(primary.totalMs);
        secondaryOwn.push(secondary.totalMs);
        return primary.totalMs;
      },
      measured: async () => {
        const timing = await system.send(options.viaSystem);
        if (timing.status !== 200) throw new Error(`status ${timing.status} during the loop`);
        const failures = await primaryFailures();
        tried.push(failures - lastFailures - directSinceLast > 0);
        lastFailures = failures;
        directSinceLast = 0;
        return timing.totalMs;
      },
    });
    // Warm-up rounds fed the arrays too; keep only the measured rounds, still aligned by round.
    const n = samples.measured.length;
    const rounds = {
      total: samples.measured,
      primary: primaryOwn.slice(-n),
      secondary: secondaryOwn.slice(-n),
      tried: tried.slice(-n),
    };
    const figuresFor = (wantTried: boolean): FallbackCase | undefined => {
      const total: number[] = [];
      const added: number[] = [];
      for (let i = 0; i < n; i++) {
        if (rounds.tried[i] !== wantTried) continue;
        const t = rounds.total[i] as number;
        total.push(t);
        added.push(t - (rounds.secondary[i] as number) - (wantTried ? (rounds.primary[i] as number) : 0));
      }
      return total.length === 0
        ? undefined
        : { rounds: total.length, total: summarize(total), added: summarize(added) };
    };
    const primaryTried = figuresFor(true);
    const primarySkipped = figuresFor(false);
    return {
      rounds: n,
      truncated: samples.truncated,
      primaryOwn: summarize(rounds.primary),
      secondaryOwn: summarize(rounds.secondary),
      ...(primaryTried ? { primaryTried } : {}),
      ...(primarySkipped ? { primarySkipped } : {}),
    };
  } finally {
    direct.close();
    system.close();
    await simControl(options.simulatorUrl).reset();
  }
}
