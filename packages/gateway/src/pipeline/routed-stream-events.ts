// A routed stream as canonical events, for callers inside the process (the agent loop): the same promise as the
// HTTP relay (relay-routed-stream.ts) — a stream cut after text continues on the next target with the text so
// far as prefill, when no tool call was in flight — but yielding events instead of writing a protocol's SSE.
import { toRampartError, type ChatRequest, type RampartError, type StreamEvent } from '@rampart/spec';
import type { RouteLeaf } from '../routing/compile-route.js';
import type { RouteAttempt } from '../routing/route-attempt.js';
import type { Served } from '../routing/route-executor.js';
import type { PrimedStream } from './open-primed-stream.js';
import { StreamProgress } from './stream-continuation.js';

/** What continuing a stream elsewhere needs. */
export interface RoutedStreamContext {
  request: ChatRequest;
  /** Appended to as continuations fail or serve. */
  attempts: RouteAttempt[];
  isLive(): boolean;
  continueElsewhere(request: ChatRequest, exclude: ReadonlySet<RouteLeaf>): Promise<Served<PrimedStream>>;
  /** Called when another target takes over the stream. */
  onContinued?(leaf: RouteLeaf, after: RampartError): void;
}

/** Yields `served`'s events, continuing elsewhere on a mid-stream failure where safe; throws the final failure. */
export async function* routedStreamEvents(
  served: Served<PrimedStream>,
  context: RoutedStreamContext,
): AsyncGenerator<StreamEvent> {
  const progress = new StreamProgress();
  const failed = new Set<RouteLeaf>();
  let current = served;
  for (;;) {
    let error: RampartError | undefined;
    try {
      for (const event of current.value.head) {
        const translated = progress.accept(event);
        if (translated !== undefined) yield translated;
      }
      for (;;) {
        const next = await current.value.rest.next();
        if (next.done) return;
        const translated = progress.accept(next.value);
        if (translated !== undefined) yield translated;
      }
    } catch (thrown) {
      error = toRampartError(thrown);
    }
    if (!context.isLive()) throw error;
    void current.breaker.recordFailure(current.permit);
    context.attempts.push({
      path: current.leaf.path,
      provider: current.leaf.candidate.provider.name,
      model: current.leaf.candidate.upstreamModel,
      outcome: 'failed',
      reason: error.code,
      status: error.status,
      durationMs: 0,
    });
    failed.add(current.leaf);
    if (progress.sawToolCall || !error.retryable) throw error;
    const tried = context.attempts.length;
    try {
      current = await context.continueElsewhere(progress.continueFrom(context.request), failed);
    } catch (thrown) {
      // When another target was tried and failed, that is the news; when none was left, the cut itself is
      // (an overload stays an overload, so the caller can degrade to non-streaming).
      throw context.attempts.slice(tried).some((a) => a.outcome === 'failed')
        ? toRampartError(thrown)
        : error;
    }
    context.onContinued?.(current.leaf, error);
  }
}
