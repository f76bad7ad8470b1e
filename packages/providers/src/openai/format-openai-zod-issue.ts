// Zod issues → the `param` path and message an OpenAI client expects, e.g.
// `messages[2].content[0].image_url.url` and "Missing required parameter: '…'." Unions report at the
// deepest branch the input actually entered, so the client hears about the field that is wrong, not
// "invalid input" at its parent.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type Path = ReadonlyArray<PropertyKey>;

/** `messages[2].content[0].type` from ['messages', 2, 'content', 0, 'type']. */
export function formatOpenAIParam(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

// For a union, the branch whose first issue lies deepest is the one the input was meant for.
function deepest(issue: Issue, base: Path): { issue: Issue; path: Path } {
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: { issue: Issue; path: Path } | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first === undefined) continue;
    const candidate = deepest(first, path);
    if (best === undefined || candidate.path.length > best.path.length) best = candidate;
  }
  // Every branch failed at the union itself: the value's type matched none of them.
  return best !== undefined && best.path.length > path.length ? best : { issue, path };
}

function received(message: string): string {
  return /received (\w+)/.exec(message)?.[1] ?? 'another type';
}

function expectedType(expected: string): string {
  return expected === 'int' ? 'integer' : expected;
}

// What each branch of a union wanted, for a value that matched none of them at the top level.
function unionExpectations(issue: Issue): { expected: string; received: string } {
  if (issue.code !== 'invalid_union') return { expected: 'another type', received: 'another type' };
  const expected: string[] = [];
  let got = 'another type';
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first === undefined || first.path.length > 0) continue;
    if (first.code === 'invalid_type') {
      expected.push(expectedType(first.expected));
      got = received(first.message);
    } else if (first.code === 'invalid_value') {
      expected.push(...first.values.map((v) => JSON.stringify(v).replaceAll('"', "'")));
    }
  }
  return { expected: expected.length > 0 ? expected.join(' or ') : 'another type', received: got };
}

/** The param path and OpenAI-style message for the first, most specific issue of a failed parse. */
export function formatOpenAIZodIssue(issues: readonly Issue[]): { param: string; message: string } {
  const first = issues[0];
  if (first === undefined) return { param: '', message: 'Invalid request body.' };
  const { issue, path } = deepest(first, []);
  const param = formatOpenAIParam(path);
  switch (issue.code) {
    case 'invalid_type':
      if (received(issue.message) === 'undefined')
        return { param, message: `Missing required parameter: '${param}'.` };
      return {
        param,
        message: `Invalid type for '${param}': expected ${expectedType(issue.expected)}, but got ${received(issue.message)} instead.`,
      };
    case 'invalid_union': {
      // Zod reports an unknown discriminator with its allowed values, though its issue type does not say so.
      const { options: allowed } = issue as { options?: unknown };
      if (Array.isArray(allowed)) {
        const options = allowed.map((o) => `'${String(o)}'`).join(', ');
        return { param, message: `Invalid value for '${param}': expected one of ${options}.` };
      }
      const { expected, received: got } = unionExpectations(issue);
      return {
        param,
        message: `Invalid value for '${param}': expected ${expected}, but got ${got} instead.`,
      };
    }
    case 'invalid_value':
      return {
        param,
        message: `Invalid value for '${param}': expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`,
      };
    default:
      return { param, message: `Invalid '${param}': ${issue.message.replace(/^Too (small|big): /, '')}.` };
  }
}
