// Anthropic requires max_tokens; OpenAI-style clients usually omit it and expect "as much as the model
// allows". So the default is each model family's documented maximum output, not a small number that would
// silently truncate answers with stop_reason max_tokens. Matched by substring so that direct ids
// (`claude-sonnet-4-5-20250929`), aliases (`claude-sonnet-4-5`) and Bedrock ids
// (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`) all resolve. Order matters: more specific first.

const MAX_OUTPUT_BY_FAMILY: ReadonlyArray<readonly [fragment: string, maxTokens: number]> = [
  ['claude-opus-4-6', 128_000],
  ['claude-opus-4-5', 64_000],
  ['claude-opus-4-1', 32_000],
  ['claude-opus-4', 32_000],
  ['claude-sonnet-4', 64_000], // 4, 4.5, 4.6
  ['claude-haiku-4', 64_000], // 4.5
  ['claude-3-7-sonnet', 64_000],
  ['claude-3-5-haiku', 8_192],
  ['claude-3-5-sonnet', 8_192],
  ['claude-3-haiku', 4_096],
  ['claude-3-opus', 4_096],
];

/** Used for models we do not know: every Claude model accepts it, and it is the common gateway default. */
export const FALLBACK_ANTHROPIC_MAX_TOKENS = 4_096;

/** The max_tokens to send when a canonical request has none: the model family's documented output limit. */
export function defaultAnthropicMaxTokens(model: string): number {
  const id = model.toLowerCase();
  for (const [fragment, maxTokens] of MAX_OUTPUT_BY_FAMILY) {
    if (id.includes(fragment)) return maxTokens;
  }
  return FALLBACK_ANTHROPIC_MAX_TOKENS;
}
