// The provider-neutral view of a prompt used for token counting and prompt caching: an ordered list of blocks
// (tools, then system, then message content), each with its identity text and token count.
import { createHash } from 'node:crypto';
import { IMAGE_TOKENS, canonicalJson, countTokens } from './token-count.js';

/** Cache lifetime requested at a breakpoint. */
export type CacheTtl = '5m' | '1h';

/** One position in the cacheable prefix. */
export interface PromptBlock {
  /** Identity used for prefix hashing: equal keys mean an identical block in an identical position kind. */
  key: string;
  tokens: number;
  /** Set when the block carries a cache breakpoint (cache_control / cachePoint). */
  breakpoint?: CacheTtl;
}

/** A block from text-ish content: tokens from its canonical text, identity from section + role + text. */
export function textBlock(section: string, canonicalText: string): PromptBlock {
  return { key: `${section}\u0000${canonicalText}`, tokens: countTokens(canonicalText) };
}

/** A block from any JSON value (tool definitions, tool calls, tool results). */
export function jsonBlock(section: string, value: unknown): PromptBlock {
  return textBlock(section, canonicalJson(value));
}

/** An image block: fixed token count, identity from the image bytes or URL. */
export function imageBlock(section: string, dataOrUrl: string): PromptBlock {
  const digest = createHash('sha256').update(dataOrUrl).digest('base64');
  return { key: `${section}\u0000image:${digest}`, tokens: IMAGE_TOKENS };
}

/** Sum of the blocks' tokens. */
export function totalTokens(blocks: readonly PromptBlock[]): number {
  let sum = 0;
  for (const b of blocks) sum += b.tokens;
  return sum;
}
