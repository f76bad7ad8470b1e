// One spelling per tool call: the same call written with keys in another order or with different spacing
// must look identical to the duplicate guard.
import { createHash } from 'node:crypto';

/** JSON of `value` with object keys sorted at every depth and whitespace in strings collapsed and trimmed. */
export function canonicalArguments(value: unknown): string {
  return JSON.stringify(normalize(value));
}

/** A short stable fingerprint of a call: tool name plus canonical arguments. */
export function toolCallFingerprint(tool: string, input: unknown): string {
  const digest = createHash('sha256').update(canonicalArguments(input)).digest('hex').slice(0, 24);
  return `${tool}:${digest}`;
}

function normalize(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}
