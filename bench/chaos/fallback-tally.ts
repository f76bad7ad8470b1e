// Tallies scenario (a)'s requests as they are judged: outcomes by kind, a few failure samples with the path
// the gateway took, per-target attempt outcomes from x-rampart-attempts, and latencies. Pure bookkeeping.
import type { AnswerVerdict } from './check-chat-answer.js';
import type { AttemptEntry } from './parse-attempts-header.js';

/** Counts for one phase (or the whole scenario). */
export interface FallbackTally {
  requests: number;
  complete: number;
  failed: number;
  /** Failures by verdict kind (explicit-error, http-error, transport-error, silent-truncation, wrong-text). */
  failuresByKind: Record<string, number>;
  /** Complete streams that were continued on another target after a cut that followed content. */
  continuedStreams: number;
  /** Requests served after at least one failed or skipped attempt. */
  servedAfterFallback: number;
  /** Per target (`provider/model`): attempts by outcome, as the client was told in x-rampart-attempts. */
  attemptsByTarget: Record<string, { served: number; failed: number; skipped: number }>;
  /** Attempts skipped because a breaker was open (skips of a cooling or paced target are not counted). */
  breakerSkips: number;
  /** Up to 10 failures, with what the client saw. */
  failureSamples: Array<{ index: number; verdict: AnswerVerdict; attempts: string }>;
  latenciesMs: number[];
}

/** An empty tally. */
export function emptyTally(): FallbackTally {
  return {
    requests: 0,
    complete: 0,
    failed: 0,
    failuresByKind: {},
    continuedStreams: 0,
    servedAfterFallback: 0,
    attemptsByTarget: {},
    breakerSkips: 0,
    failureSamples: [],
    latenciesMs: [],
  };
}

/** Adds one judged request. */
export function record(
  tally: FallbackTally,
  index: number,
  verdict: AnswerVerdict,
  attempts: readonly AttemptEntry[],
  attemptsHeader: string,
  durationMs: number,
): void {
  tally.requests++;
  tally.latenciesMs.push(durationMs);
  for (const attempt of attempts) {
    const counts = (tally.attemptsByTarget[attempt.target] ??= { served: 0, failed: 0, skipped: 0 });
    counts[attempt.outcome]++;
    if (attempt.outcome === 'skipped' && attempt.reason === 'circuit_open') tally.breakerSkips++;
  }
  if (verdict.kind === 'complete') {
    tally.complete++;
    if (verdict.continuations > 0) tally.continuedStreams++;
    if (attempts.some((a) => a.outcome !== 'served')) tally.servedAfterFallback++;
    return;
  }
  tally.failed++;
  tally.failuresByKind[verdict.kind] = (tally.failuresByKind[verdict.kind] ?? 0) + 1;
  if (tally.failureSamples.length < 10)
    tally.failureSamples.push({ index, verdict, attempts: attemptsHeader });
}

/** Sums phase tallies into one. */
export function mergeTallies(tallies: readonly FallbackTally[]): FallbackTally {
  const total = emptyTally();
  for (const t of tallies) {
    total.requests += t.requests;
    total.complete += t.complete;
    total.failed += t.failed;
    total.continuedStreams += t.continuedStreams;
    total.servedAfterFallback += t.servedAfterFallback;
    total.breakerSkips += t.breakerSkips;
    for (const [kind, n] of Object.entries(t.failuresByKind))
      total.failuresByKind[kind] = (total.failuresByKind[kind] ?? 0) + n;
    for (const [target, counts] of Object.entries(t.attemptsByTarget)) {
      const into = (total.attemptsByTarget[target] ??= { served: 0, failed: 0, skipped: 0 });
      into.served += counts.served;
      into.failed += counts.failed;
      into.skipped += counts.skipped;
    }
    total.failureSamples.push(...t.failureSamples.slice(0, Math.max(0, 10 - total.failureSamples.length)));
    for (const ms of t.latenciesMs) total.latenciesMs.push(ms);
  }
  return total;
}
