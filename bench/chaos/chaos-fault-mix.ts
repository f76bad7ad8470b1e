// The faults of scenario (a): every target fails independently with one overall probability, spread over a
// mix of kinds. The simulator draws each rule independently (seeded) and the first terminal effect wins, so
// k rules at q each fail a request with 1 - (1 - q)^k; q is chosen to make that exactly the target rate.
// Stream effects do nothing to non-streamed calls, so the non-stream and stream phases get different kind
// lists with the same total, rather than one list that fails streams more often than plain calls.

/** One upstream the route can call, as the simulator sees it. */
export interface SimTarget {
  /** Short label for reports, e.g. `A/X`. */
  label: string;
  provider: 'anthropic' | 'bedrock';
  /** The exact model id the gateway sends upstream (the simulator matches requested or resolved ids). */
  upstreamModel: string;
}

/** A fault effect in the simulator's rule format. */
export type FaultEffect =
  | { type: 'status'; status: number }
  | { type: 'reset' }
  | { type: 'cut-stream'; afterEvents: number; mode?: 'destroy' | 'end' }
  | { type: 'stream-error'; afterEvents: number };

/** A simulator fault rule (see packages/simulator/README.md). */
export interface FaultRule {
  id: string;
  match: { provider: string; model: string };
  effect: FaultEffect;
  when: { probability: number };
}

/** Failures every call can meet: rate limits, the 5xx family (529 is Anthropic's overload) and resets. */
export const CALL_FAULTS: readonly FaultEffect[] = [
  { type: 'status', status: 429 },
  { type: 'status', status: 500 },
  { type: 'status', status: 502 },
  { type: 'status', status: 503 },
  { type: 'status', status: 504 },
  { type: 'status', status: 529 },
  { type: 'reset' },
];

/**
 * Failures only a stream can meet. Events are counted on the wire (Anthropic: message_start,
 * content_block_start, ping, then deltas), so 2 cuts before any text (the gateway can fall back invisibly)
 * and 5 or 7 cut after text reached the client (it must continue elsewhere or end with an error event).
 */
export const STREAM_FAULTS: readonly FaultEffect[] = [
  { type: 'cut-stream', afterEvents: 2 },
  { type: 'cut-stream', afterEvents: 5 },
  { type: 'cut-stream', afterEvents: 7, mode: 'end' },
  { type: 'stream-error', afterEvents: 5 },
];

/** Probability for each of `kinds` independent rules so that at least one fires with probability `total`. */
export function perRuleProbability(total: number, kinds: number): number {
  if (!(total >= 0 && total < 1)) throw new RangeError(`total must be in [0, 1), got ${total}`);
  if (!Number.isInteger(kinds) || kinds < 1) throw new RangeError(`kinds must be a positive integer`);
  return 1 - Math.pow(1 - total, 1 / kinds);
}

/** The rules that make each target fail with probability `total`, spread evenly over `effects`. */
export function faultRulesFor(
  targets: readonly SimTarget[],
  effects: readonly FaultEffect[],
  total: number,
): FaultRule[] {
  const probability = perRuleProbability(total, effects.length);
  return targets.flatMap((target) =>
    effects.map((effect, i) => ({
      id: `chaos-${target.label}-${i}-${effect.type}${'status' in effect ? `-${effect.status}` : ''}`,
      match: { provider: target.provider, model: target.upstreamModel },
      effect,
      when: { probability },
    })),
  );
}
