// What a request may cost before it runs: the budget reservation. Input tokens are counted with the cl100k
// tokenizer the prompt-cache planner uses, scaled up because Claude's tokenizer yields up to ~1.3× as many;
// output is max_tokens (or a default when the client sets none). The price is the most expensive candidate of
// the route, since any of them may end up serving. Overestimating only holds budget a little longer: settle
// replaces the estimate by the actual amount.
import type { ChatRequest, Usage } from '@rampart/spec';
import type { PriceBook } from '../pricing/price-book.js';
import { countTokensUpTo } from '../prompt-cache/prompt-cache-tokens.js';
import type { RouteNode } from '../routing/compile-route.js';

/** Claude's tokenizer counts up to about this many tokens per cl100k token (see prompt-cache-tokens.ts). */
export const INPUT_ESTIMATE_RATIO = 1.3;
/** Output assumed when the request sets no max_tokens. */
export const DEFAULT_OUTPUT_ESTIMATE = 4_096;
/** An image's tokens, assumed high (≈ a 1092×1092 image). */
const IMAGE_TOKENS = 1_600;
/** Per-message framing tokens the wires add. */
const MESSAGE_OVERHEAD = 4;

/** A request's estimated usage and cost. */
export interface RequestEstimate {
  inputTokens: number;
  outputTokens: number;
  /** inputTokens + outputTokens: what token budgets and tokens/minute reserve. */
  tokens: number;
  /** At the most expensive candidate's prices, nano-USD. */
  costNanos: number;
  /** That candidate's upstream model (undefined when none has a price). */
  pricedModel: string | undefined;
}

/**
 * Counts of texts seen lately. An agent resends its whole history on every turn, so nearly all of a request's
 * text was counted on an earlier one; BPE over a 100-message history costs milliseconds of event loop per
 * request, a lookup of the same strings microseconds. Bounded by the characters it holds, dropped whole when full.
 */
const counted = new Map<string, number>();
const COUNTED_MAX_CHARS = 8_000_000;
let countedChars = 0;

function textTokens(text: string): number {
  let tokens = counted.get(text);
  if (tokens === undefined) {
    tokens = countTokensUpTo(text, Number.POSITIVE_INFINITY);
    if (countedChars + text.length > COUNTED_MAX_CHARS) {
      counted.clear();
      countedChars = 0;
    }
    if (text.length <= COUNTED_MAX_CHARS) {
      counted.set(text, tokens);
      countedChars += text.length;
    }
  }
  return tokens;
}

/** cl100k tokens of a request's prompt (system, messages, tools), before scaling. */
export function countPromptTokens(request: ChatRequest): number {
  let tokens = 0;
  let images = 0;
  const text = (t: string) => {
    tokens += textTokens(t);
  };
  for (const part of request.system ?? []) text(part.text);
  for (const message of request.messages) {
    tokens += MESSAGE_OVERHEAD;
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
          text(part.text);
          break;
        case 'image':
          images++;
          break;
        case 'tool_call':
          text(part.name);
          text(JSON.stringify(part.input ?? {}));
          break;
        case 'tool_result':
          for (const inner of part.content) {
            if (inner.type === 'text') text(inner.text);
            else images++;
          }
          break;
      }
    }
  }
  for (const tool of request.tools ?? []) text(JSON.stringify(tool));
  return tokens + images * IMAGE_TOKENS;
}

/** Every leaf's upstream model of a route (for pricing the estimate). */
function leafModels(node: RouteNode, out: Set<string> = new Set()): Set<string> {
  if (node.kind === 'target') {
    out.add(node.candidate.upstreamModel);
    return out;
  }
  for (const child of node.children) leafModels(child, out);
  return out;
}

/** Estimates `request` on the route rooted at `root`. */
export function estimateRequest(request: ChatRequest, root: RouteNode, prices: PriceBook): RequestEstimate {
  const inputTokens = Math.ceil(countPromptTokens(request) * INPUT_ESTIMATE_RATIO);
  // A target's own max_tokens replaces the client's, so the larger of the two bounds the output.
  const outputTokens = Math.max(request.maxTokens ?? DEFAULT_OUTPUT_ESTIMATE, maxLeafOverride(root) ?? 0);
  const usage: Usage = { inputTokens, outputTokens };
  let costNanos = 0n;
  let pricedModel: string | undefined;
  for (const model of leafModels(root)) {
    const cost = prices.costOf(model, usage)?.nanos;
    if (cost !== undefined && (pricedModel === undefined || cost > costNanos)) {
      costNanos = cost;
      pricedModel = model;
    }
  }
  return {
    inputTokens,
    outputTokens,
    tokens: inputTokens + outputTokens,
    costNanos: Number(costNanos),
    pricedModel,
  };
}

/** The largest max_tokens a target of the route sets for itself, if any does. */
function maxLeafOverride(node: RouteNode): number | undefined {
  if (node.kind === 'target') return node.overrides.maxTokens;
  let max: number | undefined;
  for (const child of node.children) {
    const value = maxLeafOverride(child);
    if (value !== undefined && (max === undefined || value > max)) max = value;
  }
  return max;
}
