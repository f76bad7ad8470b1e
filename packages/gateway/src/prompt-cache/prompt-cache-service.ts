// The gateway's prompt cache: settings from config, the per-request switch, and per-key accounting into the
// metrics. One instance per gateway.
import type { ChatRequest, StreamEvent, Usage } from '@rampart/spec';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { PriceBook } from '../pricing/price-book.js';
import { normalizeModelId } from '../pricing/pricing-model-id.js';
import { prepareRules } from './prompt-cache-canonicalize.js';
import type { PromptCacheConfig } from './prompt-cache-config-schema.js';
import { preparePromptCache, type CacheTarget, type PrepareOptions } from './prompt-cache-prepare.js';
import { addTally, emptyTally, hitRate, savedNanos, tallyOf, type CacheTally } from './prompt-cache-stats.js';

/** Distinct keys tracked with their own labels; later ones share `other` (bounded metric cardinality). */
export const MAX_TRACKED_KEYS = 1000;

/** A call's cache hooks, bound to its request's scope and its target. */
export interface CallCache {
  /** The request to encode for this target. */
  prepare(request: ChatRequest): ChatRequest;
  /** Accounts a finished call's usage. */
  settle(usage: Usage): void;
  /** Passes a stream through, accounting its final usage. */
  observe(events: AsyncIterable<StreamEvent>): AsyncIterable<StreamEvent>;
}

/** Target identity for accounting: the configured provider name and its upstream model. */
export interface CallTarget extends CacheTarget {
  providerName: string;
}

/** Builds a service from the `prompt_cache` config. */
export class PromptCacheService {
  readonly #options: Omit<PrepareOptions, 'enabled'>;
  readonly #enabledByDefault: boolean;
  readonly #tallies = new Map<string, CacheTally>();

  constructor(
    config: PromptCacheConfig,
    private readonly prices: PriceBook,
    private readonly metrics?: GatewayMetrics,
  ) {
    this.#enabledByDefault = config.enabled;
    this.#options = {
      canonicalize: config.canonicalize,
      rules: prepareRules({
        topLevelKeys: config.volatile_keys,
        anyDepthKeys: config.volatile_keys_any_depth,
        textPatterns: config.volatile_text_patterns.map((source) => new RegExp(source)),
      }),
      largeContentTokens: config.large_content_tokens,
      stableTtl: config.stable_ttl,
      conversationTtl: config.conversation_ttl,
    };
  }

  /** On or off for one request: the request's own switch wins, then the key's (when keys exist), then config. */
  enabledFor(requestSwitch?: boolean, keySwitch?: boolean): boolean {
    return requestSwitch ?? keySwitch ?? this.#enabledByDefault;
  }

  /** Cache hooks for one call. */
  forCall(target: CallTarget, key: string, enabled: boolean): CallCache {
    const settle = (usage: Usage) => this.#account(target, key, usage);
    return {
      prepare: (request) => preparePromptCache(request, target, { ...this.#options, enabled }).request,
      settle,
      observe: (events) => observeUsage(events, settle),
    };
  }

  /** The running tally of one key (as labelled in metrics). */
  tallyFor(key: string): CacheTally | undefined {
    return this.#tallies.get(key);
  }

  #account(target: CallTarget, key: string, usage: Usage): void {
    const label = this.#tallies.has(key) || this.#tallies.size < MAX_TRACKED_KEYS ? key : 'other';
    const tally = addTally(
      this.#tallies.get(label) ?? emptyTally(),
      tallyOf(this.prices, target.model, usage),
    );
    this.#tallies.set(label, tally);
    if (!this.metrics) return;
    this.metrics.recordPromptCacheTokens(
      { key: label, provider: target.providerName, model: normalizeModelId(target.model) },
      {
        read: usage.cacheReadTokens ?? 0,
        write: usage.cacheWriteTokens ?? 0,
        uncached: usage.inputTokens ?? 0,
      },
    );
    this.metrics.setPromptCacheTotals(label, hitRate(tally), Number(savedNanos(tally)) / 1e9);
  }
}

async function* observeUsage(
  events: AsyncIterable<StreamEvent>,
  settle: (usage: Usage) => void,
): AsyncIterable<StreamEvent> {
  for await (const event of events) {
    if (event.type === 'finish') settle(event.usage);
    yield event;
  }
}
