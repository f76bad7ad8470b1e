// Token estimates good enough to plan with. We count with cl100k_base (gpt-tokenizer): Claude's tokenizer is not
// public, and on English prose, code and JSON it yields about as many or more tokens than cl100k (public
// comparisons put Claude at roughly 1.0–1.3× cl100k). Planning only asks "does this prefix reach N Claude
// tokens?", so we require the estimate to clear N / CLAUDE_LOWER_BOUND_RATIO: a breakpoint is placed only where
// a write is near certain, at the price of skipping a few borderline prefixes.
// Counting is bounded: it stops as soon as the asked-for number is reached, so a 200K-token prompt costs no
// more than the minimum it is checked against.
import { createRequire } from 'node:module';

// The encoder's tables cost ~50 MB of memory and ~100 ms to load: loaded on the first count, so a gateway
// whose traffic never needs planning (no Anthropic or Bedrock target) never pays for them.
let countTokens: ((text: string) => number) | undefined;
function encoder(): (text: string) => number {
  countTokens ??= (
    createRequire(import.meta.url)('gpt-tokenizer/encoding/cl100k_base') as {
      countTokens: (text: string) => number;
    }
  ).countTokens;
  return countTokens;
}

/** Claude tokens ≥ this × cl100k tokens for the content we plan on (the error margin we plan with). */
export const CLAUDE_LOWER_BOUND_RATIO = 0.9;

/** Images cost far more in practice (≈ width × height / 750); this floor keeps the minimum check honest. */
export const IMAGE_TOKENS_LOWER_BOUND = 85;

/**
 * Texts are tokenized in pieces of at most this many characters, cut at a space where there is one. BPE merging
 * is quadratic in the length of one unbroken word: 100K characters of `x` take ~40 s whole, ~30 ms in pieces.
 * Cutting at spaces changes cl100k's count by well under 1% on prose and JSON.
 */
export const TOKENIZE_PIECE_CHARS = 256;

/** cl100k tokens of `text`, counted no further than `cap` (work stays proportional to `cap`). */
export function countTokensUpTo(text: string, cap: number): number {
  const count = encoder();
  let total = 0;
  let start = 0;
  while (start < text.length && total < cap) {
    let end = Math.min(text.length, start + TOKENIZE_PIECE_CHARS);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start) end = space;
    }
    total += count(text.slice(start, end));
    start = end;
  }
  return Math.min(total, cap);
}

/** The estimate a prefix must reach before we trust it to hold `claudeTokens` Claude tokens. */
export function estimateNeededFor(claudeTokens: number): number {
  return Math.ceil(claudeTokens / CLAUDE_LOWER_BOUND_RATIO);
}
