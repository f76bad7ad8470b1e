// How long an upstream asked us to wait. retry-after-ms (Anthropic/OpenAI SDK extension) is more precise
// and wins over retry-after. Only delta-seconds are read from retry-after: Anthropic sends seconds, and an
// HTTP-date would need a clock this pure codec does not have.
import type { HeaderMap } from '../provider-adapter.js';

/** A header's single value (first one when repeated), or undefined. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function nonNegative(text: string | undefined, scale: number): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text.trim());
  return Number.isFinite(n) && n >= 0 ? Math.round(n * scale) : undefined;
}

/** Milliseconds from retry-after-ms or retry-after (seconds), or undefined when neither is usable. */
export function parseRetryAfterMs(headers: HeaderMap): number | undefined {
  return (
    nonNegative(headerValue(headers, 'retry-after-ms'), 1) ??
    nonNegative(headerValue(headers, 'retry-after'), 1000)
  );
}
