// One request made cache-friendly for one target: canonical content, then planned breakpoints. Pure: the same
// request, target and options give the same bytes every time, on every replica.
import type { ChatRequest } from '@rampart/spec';
import { applyBreakpoints } from './prompt-cache-apply.js';
import { canonicalizeRequest, type PreparedRules } from './prompt-cache-canonicalize.js';
import { minimumCacheableTokens } from './prompt-cache-minimums.js';
import { planBreakpoints, type CacheTtl, type PlannedBreakpoint } from './prompt-cache-planner.js';
import { promptPositions } from './prompt-cache-positions.js';

/** The upstream a request is about to be encoded for. */
export interface CacheTarget {
  /** The provider's wire family (`anthropic`, `bedrock`, `openai`, `openai-compatible`). */
  providerType: string;
  /** The upstream model id. */
  model: string;
}

/** How to prepare; `enabled` is resolved by the caller (request header, then key, then config). */
export interface PrepareOptions {
  enabled: boolean;
  canonicalize: boolean;
  rules: PreparedRules;
  largeContentTokens: number;
  stableTtl: CacheTtl;
  conversationTtl: CacheTtl;
}

/** The prepared request and the breakpoints added to it. */
export interface PreparedRequest {
  request: ChatRequest;
  planned: PlannedBreakpoint[];
}

/** Whether the target caches by explicit breakpoints: Anthropic, and Claude on Bedrock (Invoke and Converse). */
export function isBreakpointCacheTarget(target: CacheTarget): boolean {
  if (target.providerType === 'anthropic') return true;
  return target.providerType === 'bedrock' && /anthropic|claude/i.test(target.model);
}

/** Canonicalizes and plans `request` for `target`; returns it unchanged when off or not an Anthropic-family target. */
export function preparePromptCache(
  request: ChatRequest,
  target: CacheTarget,
  options: PrepareOptions,
): PreparedRequest {
  if (!options.enabled || !isBreakpointCacheTarget(target)) return { request, planned: [] };
  const canonical = options.canonicalize ? canonicalizeRequest(request, options.rules) : request;
  const layout = promptPositions(canonical);
  const planned = planBreakpoints(layout, {
    minCacheTokens: minimumCacheableTokens(target.model),
    largeContentTokens: options.largeContentTokens,
    stableTtl: options.stableTtl,
    conversationTtl: options.conversationTtl,
  });
  return { request: applyBreakpoints(canonical, layout, planned), planned };
}
