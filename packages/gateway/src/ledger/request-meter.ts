// Counts one request's usage across every upstream call it made: it wraps the per-call hooks the pipeline already
// gives each attempt (the prompt cache's), so each attempt's usage is seen where it is decoded: a whole response,
// or a stream's start and finish events (usage arrives split there). Attempts that failed after reporting usage
// (a cut stream, a fallback) still count: the upstream billed them.
import { addUsage, mergeUsage, type StreamEvent, type Usage } from '@rampart/spec';
import type { PriceBook } from '../pricing/price-book.js';
import type { CallCache } from '../prompt-cache/prompt-cache-service.js';
import type { CacheForCall } from '../prompt-cache/prompt-cache-scope.js';
import type { ModelCandidate } from '../routing/resolve-model.js';

/** One upstream call's usage as far as it was reported. */
export interface MeteredCall {
  provider: string;
  model: string;
  usage: Usage;
  /** The call reported its final usage (a whole response, or a stream's finish event). */
  finished: boolean;
}

/** Usage of a whole request. */
export interface MeteredTotals {
  usage: Usage;
  /** Summed per call at each call's model's prices (nano-USD). */
  costNanos: bigint;
  /** Calls whose model has no price (their cost counts as 0). */
  unpriced: string[];
}

/** The usage of one inbound request's upstream calls. */
export class RequestMeter {
  readonly calls: MeteredCall[] = [];
  /** When the first content event of any stream arrived (epoch ms per `now`). */
  firstContentAt: number | undefined;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Wraps a request's per-call hooks so every call is metered here as well. */
  wrap(inner: CacheForCall): CacheForCall {
    return (candidate) => this.#hooks(candidate, inner(candidate));
  }

  /** The last call's stream or response reported its final usage. */
  get lastFinished(): boolean {
    return this.calls.at(-1)?.finished ?? false;
  }

  /** Total usage and exact cost. */
  totals(prices: PriceBook): MeteredTotals {
    let usage: Usage = {};
    let costNanos = 0n;
    const unpriced: string[] = [];
    for (const call of this.calls) {
      usage = addUsage(usage, call.usage);
      const cost = prices.costOf(call.model, call.usage);
      if (cost) costNanos += cost.nanos;
      else if (Object.keys(call.usage).length > 0) unpriced.push(call.model);
    }
    return { usage, costNanos, unpriced };
  }

  #hooks(candidate: ModelCandidate, inner: CallCache | undefined): CallCache {
    const call: MeteredCall = {
      provider: candidate.provider.name,
      model: candidate.upstreamModel,
      usage: {},
      finished: false,
    };
    return {
      prepare: (request) => {
        // prepare() runs once per call, right before it is encoded and sent.
        this.calls.push(call);
        return inner ? inner.prepare(request) : request;
      },
      settle: (usage) => {
        call.usage = usage;
        call.finished = true;
        inner?.settle(usage);
      },
      observe: (events) => {
        const tapped = this.#tap(events, call);
        return inner ? inner.observe(tapped) : tapped;
      },
    };
  }

  async *#tap(events: AsyncIterable<StreamEvent>, call: MeteredCall): AsyncIterable<StreamEvent> {
    for await (const event of events) {
      if (event.type === 'start') {
        if (event.usage) call.usage = mergeUsage(call.usage, event.usage);
      } else if (event.type === 'finish') {
        call.usage = mergeUsage(call.usage, event.usage);
        call.finished = true;
      }
      if (
        this.firstContentAt === undefined &&
        ((event.type === 'text_delta' && event.text !== '') ||
          event.type === 'tool_call_start' ||
          event.type === 'finish')
      )
        this.firstContentAt = this.#now();
      yield event;
    }
  }
}
