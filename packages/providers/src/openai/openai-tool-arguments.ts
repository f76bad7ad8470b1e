// Tool-call arguments: a JSON string on the wire, parsed JSON in the canonical model. When an upstream sends
// arguments that do not parse (a call cut by max_tokens, a sloppy compatible server), the canonical input
// keeps the raw text as a string rather than losing it; tool inputs are always objects otherwise, so a string
// input unambiguously means "raw arguments text" and is sent back verbatim.

/** Canonical tool input from wire arguments; '' (some servers, no-argument tools) means `{}`. */
export function fromOpenAIToolArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Wire arguments from a canonical tool input. */
export function toOpenAIToolArguments(input: unknown): string {
  return typeof input === 'string' ? input : JSON.stringify(input ?? {});
}
