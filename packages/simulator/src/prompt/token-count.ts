// The simulator's deterministic tokenizer. Real tokenizers are private; what tests need is a rule they can
// compute by hand: one token per 4 characters (Unicode code points) of a block's canonical text, rounded up,
// and a fixed count per image.

/** Tokens one image costs, whatever its size. */
export const IMAGE_TOKENS = 1600;

/** Tokens for a piece of text: ceil(code points / 4). */
export function countTokens(text: string): number {
  let codePoints = 0;
  for (const _ of text) codePoints++;
  return Math.ceil(codePoints / 4);
}

/** Stable JSON: object keys sorted, so equal values always serialize (and hash, and count) the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
