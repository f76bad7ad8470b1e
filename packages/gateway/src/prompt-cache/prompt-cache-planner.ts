// Where the breakpoints go. Up to 4 per request (the provider's limit, client breakpoints included), by value:
//  1. tail   — the end of the prompt: writes everything, so the NEXT turn reads it;
//  2. bridge — the end of the previous turn's prompt, when the tail is 20+ positions past it (many parallel tool
//              calls): the provider's read walks back at most 20 positions from a breakpoint, so without it the
//              previous write is out of reach;
//  3. system, 4. tools — survive history edits (pruning, branching) and are shared across conversations;
//  5. the most recent large user content, 6. the most recent earlier tool result.
// A breakpoint is placed only where the prefix surely reaches the model's minimum (shorter ones are silently
// not cached and would waste a slot). Client breakpoints are never moved or removed; TTLs never go 5m → 1h.
import type { CacheControl } from '@rampart/spec';
import type { CachePosition, PromptPositions } from './prompt-cache-positions.js';
import { countTokensUpTo, estimateNeededFor } from './prompt-cache-tokens.js';

/** A cache TTL. */
export type CacheTtl = NonNullable<CacheControl['ttl']>;

/** The provider's limit on cache_control markers per request. */
export const MAX_CACHE_BREAKPOINTS = 4;
/** A read checks a breakpoint and the 19 positions before it. */
export const CACHE_LOOKBACK_POSITIONS = 20;

/** Why the planner put a breakpoint somewhere. */
export type BreakpointReason = 'tail' | 'bridge' | 'system' | 'tools' | 'large_user' | 'tool_result';

/** One breakpoint the planner adds. */
export interface PlannedBreakpoint {
  position: number;
  ttl: CacheTtl;
  reason: BreakpointReason;
}

/** What the planner needs to know about the target and the operator's choices. */
export interface PlannerOptions {
  /** The target model's minimum cacheable prefix, in Claude tokens. */
  minCacheTokens: number;
  /** User content at least this long (Claude tokens) earns its own breakpoint. */
  largeContentTokens: number;
  /** TTL for tools and system (stable across conversations). */
  stableTtl: CacheTtl;
  /** TTL for conversation breakpoints (tail, bridge, user content, tool results). */
  conversationTtl: CacheTtl;
}

/** Index of the first position whose prefix surely reaches `claudeTokens`, or -1. Counts no further. */
export function firstPositionReaching(positions: readonly CachePosition[], claudeTokens: number): number {
  let remaining = estimateNeededFor(claudeTokens);
  // Byte-level BPE never yields more tokens than bytes: a short prompt (most turns of a small agent, every
  // benchmark request) is ruled out without loading or running the tokenizer.
  let bytes = 0;
  for (const p of positions) bytes += p.fixedTokens + Buffer.byteLength(p.text);
  if (bytes < remaining) return -1;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    remaining -= p.fixedTokens + countTokensUpTo(p.text, Math.max(0, remaining - p.fixedTokens));
    if (remaining <= 0) return i;
  }
  return -1;
}

function lastIndex(
  positions: readonly CachePosition[],
  test: (p: CachePosition) => boolean,
  before = positions.length,
): number {
  for (let i = Math.min(before, positions.length) - 1; i >= 0; i--) if (test(positions[i]!)) return i;
  return -1;
}

function isLarge(p: CachePosition, claudeTokens: number): boolean {
  const needed = estimateNeededFor(claudeTokens);
  // Byte-level BPE never yields more tokens than bytes: most parts are ruled out without tokenizing.
  if (p.fixedTokens + Buffer.byteLength(p.text) < needed) return false;
  return p.fixedTokens + countTokensUpTo(p.text, needed) >= needed;
}

/** Candidate positions, most valuable first (may repeat or be -1; filtered later). */
function candidates(
  positions: readonly CachePosition[],
  options: PlannerOptions,
): Array<[number, BreakpointReason]> {
  const lastUserMessage = positions.reduce(
    (m, p) => (p.role === 'user' ? Math.max(m, p.message ?? -1) : m),
    -1,
  );
  const tail =
    lastUserMessage >= 0 ? lastIndex(positions, (p) => p.message === lastUserMessage) : positions.length - 1;
  const list: Array<[number, BreakpointReason]> = [[tail, 'tail']];

  // The previous request ended just before the assistant message that answered it.
  const lastAssistant = positions.reduce(
    (m, p) =>
      p.role === 'assistant' && (p.message ?? -1) < lastUserMessage ? Math.max(m, p.message ?? -1) : m,
    -1,
  );
  if (lastAssistant > 0) {
    const previousEnd = lastIndex(positions, (p) => p.message !== undefined && p.message < lastAssistant);
    if (previousEnd >= 0 && tail - previousEnd >= CACHE_LOOKBACK_POSITIONS)
      list.push([previousEnd, 'bridge']);
  }
  list.push([lastIndex(positions, (p) => p.kind === 'system'), 'system']);
  list.push([lastIndex(positions, (p) => p.kind === 'tool'), 'tools']);
  list.push([
    lastIndex(
      positions,
      (p) =>
        p.role === 'user' &&
        (p.kind === 'text' || p.kind === 'image') &&
        isLarge(p, options.largeContentTokens),
      tail,
    ),
    'large_user',
  ]);
  list.push([lastIndex(positions, (p) => p.kind === 'tool_result', tail), 'tool_result']);
  return list;
}

const longer = (a: CacheTtl, b: CacheTtl): CacheTtl => (a === '1h' || b === '1h' ? '1h' : '5m');

/** Adjusts planned TTLs so that, with the client's, no 1h breakpoint follows a 5m one; drops what cannot fit. */
function orderTtls(positions: readonly CachePosition[], planned: PlannedBreakpoint[]): PlannedBreakpoint[] {
  type Mark = { position: number; ttl: CacheTtl; planned?: PlannedBreakpoint };
  const marks: Mark[] = [
    ...positions.flatMap((p, position) => (p.clientTtl ? [{ position, ttl: p.clientTtl }] : [])),
    ...planned.map((bp) => ({ position: bp.position, ttl: bp.ttl, planned: bp })),
  ].sort((a, b) => a.position - b.position);
  // A breakpoint may not live shorter than any later one: lengthen ours where a later one is 1h.
  let longestAfter: CacheTtl = '5m';
  for (let i = marks.length - 1; i >= 0; i--) {
    const mark = marks[i]!;
    if (mark.planned) mark.ttl = longer(mark.ttl, longestAfter);
    longestAfter = longer(longestAfter, mark.ttl);
  }
  // …nor longer than an earlier client one; ours give way (the client's are never touched).
  const kept: PlannedBreakpoint[] = [];
  let earlierShort = false;
  for (const mark of marks) {
    if (mark.planned) {
      if (mark.ttl === '1h' && earlierShort) continue;
      kept.push({ ...mark.planned, ttl: mark.ttl });
    }
    if (mark.ttl === '5m') earlierShort = true;
  }
  return kept;
}

/** The breakpoints to add to a request laid out as `layout`, never more than the provider allows in all. */
export function planBreakpoints(layout: PromptPositions, options: PlannerOptions): PlannedBreakpoint[] {
  const { positions, clientBreakpoints } = layout;
  const budget = MAX_CACHE_BREAKPOINTS - clientBreakpoints;
  if (budget <= 0 || positions.length === 0) return [];
  const firstCacheable = firstPositionReaching(positions, options.minCacheTokens);
  if (firstCacheable < 0) return [];
  const chosen: PlannedBreakpoint[] = [];
  const taken = new Set<number>();
  for (const [position, reason] of candidates(positions, options)) {
    if (chosen.length === budget) break;
    if (position < firstCacheable || taken.has(position) || positions[position]?.clientTtl) continue;
    taken.add(position);
    const ttl = reason === 'system' || reason === 'tools' ? options.stableTtl : options.conversationTtl;
    chosen.push({ position, ttl, reason });
  }
  return orderTtls(positions, chosen).sort((a, b) => a.position - b.position);
}
