// Canonical content: the same tool result becomes the same bytes, whenever and however often it is re-sent.
// A pure function of each block's own content (never of its position or turn), so the prefix a turn wrote is
// byte-identical when the next turn sends it again. Idempotent: canonical content canonicalizes to itself.
// Meaning-preserving: JSON is re-serialized with sorted keys, minus the configured volatile fields, and only
// when every number survives the round trip; anything else is left exactly as written.
import type { ChatRequest, Message, ToolResultPart } from '@rampart/spec';
import type { VolatileRules } from './prompt-cache-volatile-rules.js';

/** Deep copy of a JSON value with object keys in code-point order. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort();
  // fromEntries defines own properties, so a `__proto__` key stays data.
  return Object.fromEntries(keys.map((k) => [k, sortKeysDeep((value as Record<string, unknown>)[k])]));
}

/** True when a number literal outside strings would not survive a round trip through a double. */
function hasImpreciseNumber(text: string): boolean {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if ((c >= '0' && c <= '9') || c === '-') {
      let j = i;
      while (j < text.length && /[-+0-9.eE]/.test(text[j]!)) j++;
      const literal = text.slice(i, j);
      if (/^-?\d+$/.test(literal)) {
        // An integer id past 2^53 would come back as a different integer.
        if (!Number.isSafeInteger(Number(literal))) return true;
      } else {
        // 17 significant digits always identify a double; more means precision a double cannot carry.
        const digits = literal.split(/[eE]/, 1)[0]!.replace(/[-.]/g, '');
        if (digits.replace(/^0+/, '').replace(/0+$/, '').length > 17) return true;
      }
      i = j - 1;
    }
  }
  return false;
}

function withoutKeys(value: unknown, keys: ReadonlySet<string>, deep: boolean): unknown {
  if (Array.isArray(value)) return deep ? value.map((v) => withoutKeys(v, keys, deep)) : value;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([k]) => !keys.has(k.toLowerCase()));
  return Object.fromEntries(deep ? entries.map(([k, v]) => [k, withoutKeys(v, keys, deep)]) : entries);
}

function lowerSet(keys: readonly string[]): ReadonlySet<string> {
  return new Set(keys.map((k) => k.toLowerCase()));
}

/** Rules prepared once (lower-cased key sets). */
export interface PreparedRules {
  topLevel: ReadonlySet<string>;
  anyDepth: ReadonlySet<string>;
  textPatterns: readonly RegExp[];
}

/** Prepares rules for repeated use. */
export function prepareRules(rules: VolatileRules): PreparedRules {
  return {
    topLevel: lowerSet(rules.topLevelKeys),
    anyDepth: lowerSet(rules.anyDepthKeys),
    // Global flag so every match goes, whatever the operator wrote.
    textPatterns: rules.textPatterns.map(
      (p) => new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`),
    ),
  };
}

function canonicalJson(text: string, rules: PreparedRules): string | undefined {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (hasImpreciseNumber(trimmed)) return undefined;
  const cleaned = withoutKeys(withoutKeys(parsed, rules.anyDepth, true), rules.topLevel, false);
  return JSON.stringify(sortKeysDeep(cleaned));
}

/** A tool result's text in canonical form. */
export function canonicalToolResultText(text: string, rules: PreparedRules): string {
  const json = canonicalJson(text, rules);
  if (json !== undefined) return json;
  let current = text;
  // Until nothing matches: removing one match can form another, and the result must be a fixed point.
  for (let round = 0; round < 8; round++) {
    let next = current;
    for (const pattern of rules.textPatterns) next = next.replace(pattern, '');
    if (next === current) break;
    current = next;
  }
  return current;
}

function canonicalToolResult(part: ToolResultPart, rules: PreparedRules): ToolResultPart {
  let changed = false;
  const content = part.content.map((inner) => {
    if (inner.type !== 'text') return inner;
    const text = canonicalToolResultText(inner.text, rules);
    if (text === inner.text) return inner;
    changed = true;
    return { ...inner, text };
  });
  return changed ? { ...part, content } : part;
}

/** `request` with canonical tool results and tool-call inputs; untouched blocks keep their identity. */
export function canonicalizeRequest(request: ChatRequest, rules: PreparedRules): ChatRequest {
  let changed = false;
  const messages = request.messages.map((message): Message => {
    if (message.role === 'user') {
      const content = message.content.map((part) =>
        part.type === 'tool_result' ? canonicalToolResult(part, rules) : part,
      );
      if (content.every((part, i) => part === message.content[i])) return message;
      changed = true;
      return { ...message, content };
    }
    if (!message.content.some((part) => part.type === 'tool_call')) return message;
    changed = true;
    return {
      ...message,
      content: message.content.map((part) =>
        part.type === 'tool_call' ? { ...part, input: sortKeysDeep(part.input) } : part,
      ),
    };
  });
  return changed ? { ...request, messages } : request;
}
