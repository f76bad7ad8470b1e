// Percentile math for latency samples. Nearest-rank percentiles: every reported figure is a latency that was
// actually observed, never an interpolation between two samples, so a p99 over 2,000 samples is the 1,980th.

/** Order statistics of one set of samples (same unit as the samples). */
export interface SampleSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The nearest-rank `p`th percentile (0 < p ≤ 100) of samples already sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

/** Summarizes samples in any order; the input is not modified. */
export function summarize(samples: readonly number[]): SampleSummary {
  if (samples.length === 0) throw new RangeError('summary of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    min: sorted[0] as number,
    mean: total / sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] as number,
  };
}

/**
 * Element-wise `measured[i] - baseline[i]`: the cost a system added to round i over the baseline measured in
 * the same round. Percentiles of these differences are stricter than differences of percentiles, because a
 * slow request through the system is not cancelled by an unrelated slow baseline request.
 */
export function pairedDifferences(measured: readonly number[], baseline: readonly number[]): number[] {
  if (measured.length !== baseline.length) {
    throw new RangeError(`paired samples differ in length: ${measured.length} vs ${baseline.length}`);
  }
  return measured.map((value, i) => value - (baseline[i] as number));
}
