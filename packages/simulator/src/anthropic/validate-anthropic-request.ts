// Validation of a Messages body with the API's own 400 messages. Shared by the Anthropic API and Bedrock
// InvokeModel (whose body is the same minus model/stream, plus anthropic_version).
import { isObject } from '../core/is-object.js';
import type { SimModel } from '../model/model-catalog.js';
import {
  anthropicContentBlocks,
  type AnthropicBlock,
  type AnthropicRequestBody,
} from './anthropic-request.js';

/** Which surface the body arrived on. */
export type AnthropicSurface = { kind: 'anthropic'; version: string } | { kind: 'bedrock'; stream: boolean };

/** The anthropic-version values the simulated API accepts. */
export const ANTHROPIC_VERSIONS = ['2023-06-01', '2026-10-21'] as const;
/** The only anthropic_version Bedrock InvokeModel accepts for Claude. */
export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';
/** At most this many cache_control breakpoints per request. */
export const MAX_CACHE_BREAKPOINTS = 4;

const BLOCK_TYPES = [
  'text',
  'image',
  'document',
  'tool_use',
  'tool_result',
  'thinking',
  'redacted_thinking',
  'search_result',
  'server_tool_use',
  'web_search_tool_result',
  'container_upload',
];
const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

function blockProblem(block: unknown, path: string): string | undefined {
  if (!isObject(block)) return `${path}: Input should be a valid dictionary`;
  const b = block as AnthropicBlock;
  if (typeof b.type !== 'string' || !BLOCK_TYPES.includes(b.type)) {
    return `${path}: Input tag '${String(b.type)}' found using 'type' does not match any of the expected tags: ${BLOCK_TYPES.map((t) => `'${t}'`).join(', ')}`;
  }
  switch (b.type) {
    case 'text':
      if (typeof b.text !== 'string') return `${path}.text: Field required`;
      if (b.text === '') return `${path}: text content blocks must be non-empty`;
      break;
    case 'image': {
      const s = b.source;
      if (!isObject(s)) return `${path}.source: Field required`;
      if (s.type === 'base64') {
        if (!IMAGE_MEDIA_TYPES.includes(s.media_type ?? ''))
          return `${path}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
        if (typeof s.data !== 'string' || s.data === '') return `${path}.source.base64.data: Field required`;
      } else if (s.type === 'url') {
        if (typeof s.url !== 'string') return `${path}.source.url.url: Field required`;
      } else if (s.type !== 'file') {
        return `${path}.source: Input tag '${String(s.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'`;
      }
      break;
    }
    case 'tool_use':
      if (typeof b.id !== 'string') return `${path}.id: Field required`;
      if (typeof b.name !== 'string') return `${path}.name: Field required`;
      if (!isObject(b.input)) return `${path}.input: Input should be a valid dictionary`;
      break;
    case 'tool_result':
      if (typeof b.tool_use_id !== 'string') return `${path}.tool_use_id: Field required`;
      if (Array.isArray(b.content)) {
        for (const [i, inner] of b.content.entries()) {
          const p = blockProblem(inner, `${path}.content.${i}`);
          if (p) return p;
        }
      } else if (b.content !== undefined && typeof b.content !== 'string') {
        return `${path}.content: Input should be a valid string or list`;
      }
      break;
  }
  if (b.cache_control !== undefined) {
    const cc = b.cache_control as unknown;
    if (!isObject(cc) || cc.type !== 'ephemeral')
      return `${path}.cache_control.type: Input should be 'ephemeral'`;
    if (cc.ttl !== undefined && cc.ttl !== '5m' && cc.ttl !== '1h')
      return `${path}.cache_control.ttl: Input should be '5m' or '1h'`;
  }
  return undefined;
}

/** The cache_control TTLs in prefix order (tools → system → messages). */
export function anthropicBreakpointTtls(body: AnthropicRequestBody): Array<'5m' | '1h'> {
  const ttls: Array<'5m' | '1h'> = [];
  for (const tool of body.tools ?? []) if (tool.cache_control) ttls.push(tool.cache_control.ttl ?? '5m');
  if (Array.isArray(body.system))
    for (const b of body.system) if (b.cache_control) ttls.push(b.cache_control.ttl ?? '5m');
  for (const m of body.messages) {
    for (const b of anthropicContentBlocks(m.content)) {
      if (b.cache_control) ttls.push(b.cache_control.ttl ?? '5m');
      // Blocks nested in tool results may carry breakpoints too.
      if (b.type === 'tool_result' && Array.isArray(b.content))
        for (const inner of b.content) if (inner.cache_control) ttls.push(inner.cache_control.ttl ?? '5m');
    }
  }
  return ttls;
}

function messagesProblem(messages: unknown): string | undefined {
  if (messages === undefined) return 'messages: Field required';
  if (!Array.isArray(messages)) return 'messages: Input should be a valid list';
  if (messages.length === 0) return 'messages: at least one message is required';
  let previousRole: string | undefined;
  let previousToolUses: string[] = [];
  for (const [i, m] of messages.entries()) {
    if (!isObject(m)) return `messages.${i}: Input should be a valid dictionary`;
    if (m.role !== 'user' && m.role !== 'assistant')
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (i === 0 && m.role !== 'user') return 'messages: first message must use the "user" role';
    if (m.role === previousRole)
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${m.role}" roles in a row`;
    const isFinalAssistant = i === messages.length - 1 && m.role === 'assistant';
    if (typeof m.content === 'string') {
      if (m.content === '' && !isFinalAssistant)
        return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    } else if (Array.isArray(m.content)) {
      if (m.content.length === 0 && !isFinalAssistant)
        return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
      for (const [j, block] of m.content.entries()) {
        const p = blockProblem(block, `messages.${i}.content.${j}`);
        if (p) return p;
      }
    } else {
      return `messages.${i}.content: Input should be a valid string or list`;
    }
    const blocks = anthropicContentBlocks(m.content as string | AnthropicBlock[]);
    if (m.role === 'user') {
      const answered = new Set<string>();
      for (const [j, b] of blocks.entries()) {
        if (b.type !== 'tool_result') continue;
        if (!previousToolUses.includes(b.tool_use_id ?? '')) {
          return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
        answered.add(b.tool_use_id ?? '');
      }
      const missing = previousToolUses.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
      previousToolUses = [];
    } else {
      previousToolUses = blocks.flatMap((b) => (b.type === 'tool_use' && b.id ? [b.id] : []));
    }
    previousRole = m.role;
  }
  return undefined;
}

function systemProblem(system: unknown): string | undefined {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return 'system: Input should be a valid string or list';
  for (const [i, b] of system.entries()) {
    if (!isObject(b) || b.type !== 'text') return `system.${i}.type: Input should be 'text'`;
    const p = blockProblem(b, `system.${i}`);
    if (p) return p;
  }
  return undefined;
}

function toolsProblem(body: Record<string, unknown>): string | undefined {
  const { tools, tool_choice: choice } = body;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
    const names = new Set<string>();
    for (const [i, t] of tools.entries()) {
      if (!isObject(t)) return `tools.${i}: Input should be a valid dictionary`;
      if (typeof t.name !== 'string') return `tools.${i}.name: Field required`;
      if (!/^[a-zA-Z0-9_-]{1,128}$/.test(t.name))
        return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      const custom = t.type === undefined || t.type === 'custom';
      if (custom && !isObject(t.input_schema)) return `tools.${i}.custom.input_schema: Field required`;
      if (names.has(t.name)) return 'tools: Tool names must be unique.';
      names.add(t.name);
      if (
        t.cache_control !== undefined &&
        (!isObject(t.cache_control) || t.cache_control.type !== 'ephemeral')
      )
        return `tools.${i}.cache_control.type: Input should be 'ephemeral'`;
    }
  }
  if (choice !== undefined) {
    if (!isObject(choice) || !['auto', 'any', 'tool', 'none'].includes(choice.type as string))
      return "tool_choice: Input tag found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
    if (choice.type === 'tool' && typeof choice.name !== 'string')
      return 'tool_choice.tool.name: Field required';
    if (
      choice.type === 'tool' &&
      !(tools as Array<{ name: string }> | undefined)?.some((t) => t.name === choice.name)
    )
      return `tool_choice: tool '${String(choice.name)}' was not found in tools`;
  }
  return undefined;
}

function cacheProblem(body: AnthropicRequestBody): string | undefined {
  const ttls = anthropicBreakpointTtls(body);
  if (ttls.length > MAX_CACHE_BREAKPOINTS)
    return `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${ttls.length}.`;
  const firstShort = ttls.indexOf('5m');
  if (firstShort >= 0 && ttls.slice(firstShort).includes('1h')) {
    return "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`.";
  }
  return undefined;
}

/** Check the body's shape (everything except the model, which the caller resolves). */
export function anthropicBodyProblem(json: unknown, surface: AnthropicSurface): string | undefined {
  if (!isObject(json)) return 'body: Input should be a valid dictionary';
  if (surface.kind === 'bedrock') {
    if (json.anthropic_version === undefined)
      return 'Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.';
    if (json.anthropic_version !== BEDROCK_ANTHROPIC_VERSION) return 'Invalid API version';
    for (const key of ['model', 'stream']) {
      if (key in json)
        return `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`;
    }
  } else {
    if (typeof json.model !== 'string') return 'model: Field required';
    if ('anthropic_version' in json) return 'anthropic_version: Extra inputs are not permitted';
    if (json.stream !== undefined && typeof json.stream !== 'boolean')
      return 'stream: Input should be a valid boolean';
    if (surface.version === '2026-10-21') {
      for (const key of ['temperature', 'top_p', 'top_k']) {
        if (key in json) return `${key}: is not supported with anthropic-version 2026-10-21`;
      }
    }
  }
  if (json.max_tokens === undefined) return 'max_tokens: Field required';
  if (typeof json.max_tokens !== 'number' || !Number.isInteger(json.max_tokens) || json.max_tokens < 1)
    return 'max_tokens: Input should be a valid integer greater than or equal to 1';
  if (
    json.stop_sequences !== undefined &&
    (!Array.isArray(json.stop_sequences) || json.stop_sequences.some((s) => typeof s !== 'string'))
  )
    return 'stop_sequences: Input should be a valid list of strings';
  if (
    json.temperature !== undefined &&
    (typeof json.temperature !== 'number' || json.temperature < 0 || json.temperature > 1)
  )
    return 'temperature: Input should be less than or equal to 1';
  return (
    messagesProblem(json.messages) ??
    systemProblem(json.system) ??
    toolsProblem(json) ??
    cacheProblem(json as AnthropicRequestBody)
  );
}

/** Checks that need the resolved model. */
export function anthropicModelProblem(body: AnthropicRequestBody, model: SimModel): string | undefined {
  if (body.max_tokens > model.maxOutputTokens)
    return `max_tokens: ${body.max_tokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.responseModel ?? model.id}`;
  return undefined;
}
