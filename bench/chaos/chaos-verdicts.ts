// The benchmark's figures next to their targets, pass or fail. Pure: the rules for what passes are tested
// without running load.
import type { FallbackTally } from './fallback-tally.js';

/** One row of the report. */
export interface ChaosFigure {
  figure: string;
  value: string;
  target: string;
  /** undefined: reported for context, no target. */
  pass: boolean | undefined;
}

/** What scenario (a) produced, reduced to what the verdicts need. */
export interface FallbackSummary {
  requested: number;
  truncated: boolean;
  total: FallbackTally;
  plain: FallbackTally;
  stream: FallbackTally;
  /** Attempts skipped because a breaker was open, per target (from x-rampart-attempts). */
  circuitOpenSkips: number;
  injected: Record<string, { calls: number; fired: number }>;
  p50Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
}

/** What scenario (b) produced. */
export interface CascadeSummary {
  offered: number;
  complete: number;
  backupCapacity: number;
  backupBurst: number;
  backupPeakPerSecond: number;
  backupCalls: number;
  backupRefused: number;
  primaryCalls: number;
  failuresByKind: Record<string, number>;
}

/** The most failures allowed in (a): 0.001 %. */
export const MAX_FAILURE_RATE = 0.00001;
/** The least success allowed in (b). */
export const MIN_CASCADE_SUCCESS = 0.99;
/** The backup's peak may exceed its sustained capacity by this share (clock-second bucketing, jitter). */
export const PEAK_MARGIN = 0.1;

const pct = (share: number, digits = 4) => `${(share * 100).toFixed(digits)} %`;
const rate = (t: FallbackTally) => (t.requests === 0 ? 0 : t.failed / t.requests);

/** Rows for scenario (a). */
export function fallbackFigures(a: FallbackSummary): ChaosFigure[] {
  const silent =
    (a.total.failuresByKind['silent-truncation'] ?? 0) + (a.total.failuresByKind['wrong-text'] ?? 0);
  const injected = Object.entries(a.injected)
    .map(([label, { calls, fired }]) => `${label} ${calls ? pct(fired / calls, 1) : '-'} of ${calls}`)
    .join(', ');
  return [
    {
      figure: '(a) requests judged',
      value: `${a.total.requests}${a.truncated ? ' (time limit hit)' : ''}`,
      target: `${a.requested}`,
      pass: !a.truncated && a.total.requests === a.requested,
    },
    {
      figure: '(a) failure rate',
      value: `${pct(rate(a.total))} (${a.total.failed} of ${a.total.requests})`,
      target: `≤ ${pct(MAX_FAILURE_RATE, 3)}`,
      pass: a.total.requests > 0 && rate(a.total) <= MAX_FAILURE_RATE,
    },
    {
      figure: '(a)   plain calls',
      value: `${pct(rate(a.plain))} (${a.plain.failed} of ${a.plain.requests})`,
      target: '',
      pass: undefined,
    },
    {
      figure: '(a)   streams',
      value: `${pct(rate(a.stream))} (${a.stream.failed} of ${a.stream.requests})`,
      target: '',
      pass: undefined,
    },
    {
      figure: '(a) silent truncations + wrong text',
      value: String(silent),
      target: '0',
      pass: silent === 0,
    },
    {
      figure: '(a) attempts skipped by an open breaker',
      value: String(a.circuitOpenSkips),
      target: '0 (10 % noise must not trip it)',
      pass: a.circuitOpenSkips === 0,
    },
    {
      figure: '(a) streams continued after a cut',
      value: String(a.stream.continuedStreams),
      target: '',
      pass: undefined,
    },
    { figure: '(a) injected failure share', value: injected, target: '10 % each', pass: undefined },
    {
      figure: '(a) latency p50 / p99, rate',
      value: `${a.p50Ms.toFixed(0)} / ${a.p99Ms.toFixed(0)} ms, ${a.requestsPerSecond.toFixed(0)} req/s`,
      target: '',
      pass: undefined,
    },
  ];
}

/** Rows for scenario (b). */
export function cascadeFigures(b: CascadeSummary): ChaosFigure[] {
  const success = b.offered === 0 ? 0 : b.complete / b.offered;
  const peakLimit = b.backupCapacity * (1 + PEAK_MARGIN);
  const failures = Object.entries(b.failuresByKind)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  return [
    {
      figure: '(b) success rate',
      value: `${pct(success, 2)} (${b.complete} of ${b.offered})`,
      target: `≥ ${pct(MIN_CASCADE_SUCCESS, 0)}`,
      pass: b.offered > 0 && success >= MIN_CASCADE_SUCCESS,
    },
    {
      figure: '(b) backup peak arrivals',
      value: `${b.backupPeakPerSecond} req/s`,
      target: `≤ ${peakLimit.toFixed(0)} (capacity ${b.backupCapacity}/s + ${PEAK_MARGIN * 100} %)`,
      pass: b.backupPeakPerSecond <= peakLimit,
    },
    {
      figure: '(b) backup calls / refused (429)',
      value: `${b.backupCalls} / ${b.backupRefused}`,
      target: '',
      pass: undefined,
    },
    {
      figure: '(b) primary calls (429 while down)',
      value: String(b.primaryCalls),
      target: '',
      pass: undefined,
    },
    { figure: '(b) failures by kind', value: failures || 'none', target: '', pass: undefined },
  ];
}
