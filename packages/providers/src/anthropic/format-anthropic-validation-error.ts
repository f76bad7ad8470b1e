// zod issues → one InvalidRequestError in Anthropic's voice: `messages.0.content.1.type: …` in the message
// (as the real API words it) and `messages[0].content[1].type` in `param` (Rampart's path notation).
// Block types Anthropic has but we cannot carry become unsupported_content, so a client learns it is the
// gateway, not its request, that falls short.
import { InvalidRequestError } from '@rampart/spec';
import type { z } from 'zod';

type Path = ReadonlyArray<PropertyKey>;

/** Block, source and tool types the real API accepts that the canonical model cannot hold. */
const UNSUPPORTED_TYPES = new Set([
  'document',
  'search_result',
  'thinking',
  'redacted_thinking',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
  'container_upload',
  'tool_reference',
  'file', // image source
]);

/** `messages[0].content[1].type` */
export function bracketPath(path: Path): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** `messages.0.content.1.type`, as Anthropic's own errors print paths. */
export function dottedPath(path: Path): string {
  return path.map(String).join('.');
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

type Issue = z.core.$ZodIssue;

/** `tools[i].type`: any type there but "custom" is a server tool (web_search_…, bash_…) we cannot run. */
function isServerToolType(path: Path): boolean {
  return path.length === 3 && path[0] === 'tools';
}

/**
 * A union's own issue says only "Invalid input". Descend into the branch that got furthest (the longest
 * path) to name the real problem: for `string | block[]` given an array, the block's missing field.
 */
function deepestIssue(issue: Issue, prefix: Path): { issue: Issue; path: Path } {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: { issue: Issue; path: Path } | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first === undefined) continue;
    const candidate = deepestIssue(first, path);
    if (best === undefined || candidate.path.length > best.path.length) best = candidate;
  }
  return best ?? { issue, path };
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a valid string',
  number: 'a valid number',
  int: 'a valid integer',
  boolean: 'a valid boolean',
  object: 'a valid dictionary',
  record: 'a valid dictionary',
  array: 'a valid list',
};

function describe(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? 'Field required'
        : `Input should be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `Input should be ${issue.values.map((v) => `'${String(v)}'`).join(' or ')}`;
    case 'invalid_union':
      // zod 4 marks a discriminated union's unknown tag this way (not in its public issue type).
      if ((issue as { note?: string }).note === 'No matching discriminator') {
        const options = (issue as { options?: unknown[] }).options ?? [];
        return `Input tag '${String(value)}' found using 'type' does not match any of the expected tags: ${options
          .map((o) => `'${String(o)}'`)
          .join(', ')}`;
      }
      return 'Input does not match any allowed shape';
    case 'too_small':
      if (issue.origin === 'array' && issue.message.startsWith('Too small')) {
        return `List should have at least ${String(issue.minimum)} item(s)`;
      }
      if (issue.origin === 'string' && issue.message.startsWith('Too small'))
        return 'String should not be empty';
      return issue.message.startsWith('Too small')
        ? `Input should be greater than or equal to ${String(issue.minimum)}`
        : issue.message;
    case 'too_big':
      return issue.message.startsWith('Too big')
        ? `Input should be less than or equal to ${String(issue.maximum)}`
        : issue.message;
    default:
      return issue.message;
  }
}

/** Turns the first zod issue of a failed parse of `body` into an InvalidRequestError naming its path. */
export function formatAnthropicValidationError(error: z.ZodError, body: unknown): InvalidRequestError {
  const first = error.issues[0];
  if (first === undefined) return new InvalidRequestError('Invalid request body');
  const { issue, path } = deepestIssue(first, []);
  const value = valueAt(body, path);
  const param = bracketPath(path);
  if (
    path.at(-1) === 'type' &&
    typeof value === 'string' &&
    (UNSUPPORTED_TYPES.has(value) || isServerToolType(path))
  ) {
    return new InvalidRequestError(`${dottedPath(path)}: '${value}' is not supported by this gateway`, {
      code: 'unsupported_content',
      param,
    });
  }
  return new InvalidRequestError(`${dottedPath(path)}: ${describe(issue, value)}`, { param });
}
