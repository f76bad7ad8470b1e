// Sequential paired sampling: each round measures the baseline and the system once, back to back, in an
// order that alternates every round. Whatever else the machine is doing at that moment hits both samples of a
// round alike, and neither arm systematically benefits from going first (warm caches, scheduler wake-ups).

/** One arm of a round: performs one request and returns the figure to record (e.g. ms). */
export type Sample = () => Promise<number>;

/** Options of a paired run. */
export interface PairedRoundsOptions {
  /** Rounds run first and discarded (JIT, connection set-up, caches). */
  warmup: number;
  rounds: number;
  /** Stops early (keeping what was measured) when the run takes longer than this. */
  maxMs: number;
  baseline: Sample;
  measured: Sample;
}

/** Samples of both arms, index-aligned by round. */
export interface PairedSamples {
  baseline: number[];
  measured: number[];
  /** True when `maxMs` cut the run short of `rounds`. */
  truncated: boolean;
}

/** Runs warm-up then measured rounds, alternating which arm goes first. */
export async function runPairedRounds(options: PairedRoundsOptions): Promise<PairedSamples> {
  const deadline = Date.now() + options.maxMs;
  for (let i = 0; i < options.warmup && Date.now() < deadline; i++) {
    await options.baseline();
    await options.measured();
  }
  const baseline: number[] = [];
  const measured: number[] = [];
  for (let i = 0; i < options.rounds; i++) {
    if (Date.now() >= deadline) return { baseline, measured, truncated: true };
    if (i % 2 === 0) {
      baseline.push(await options.baseline());
      measured.push(await options.measured());
    } else {
      measured.push(await options.measured());
      baseline.push(await options.baseline());
    }
  }
  return { baseline, measured, truncated: false };
}
