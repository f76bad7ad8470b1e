// Validation of a Converse body with Bedrock's own ValidationException messages.
import { isObject } from '../core/is-object.js';
import type { ConverseRequest } from './converse-request.js';

const MEMBERS = [
  'text',
  'image',
  'document',
  'video',
  'toolUse',
  'toolResult',
  'guardContent',
  'cachePoint',
  'reasoningContent',
  'citationsContent',
];
const IMAGE_FORMATS = ['png', 'jpeg', 'gif', 'webp'];
/** At most this many cachePoint blocks per request. */
export const MAX_CACHE_POINTS = 4;

function blockProblem(block: unknown, path: string): string | undefined {
  if (!isObject(block))
    return `1 validation error detected: Value at '${path}' failed to satisfy constraint: Member must not be null`;
  const members = Object.keys(block).filter((k) => MEMBERS.includes(k));
  if (members.length !== 1) return `The content block at ${path} must set exactly one member.`;
  if (block.text !== undefined && (typeof block.text !== 'string' || block.text.trim() === '')) {
    return `The text field in the ContentBlock object at ${path} is blank. Add text to the text field, and try again.`;
  }
  if (block.image !== undefined) {
    const image = block.image as Record<string, unknown>;
    if (!IMAGE_FORMATS.includes(image.format as string)) {
      return `1 validation error detected: Value '${String(image.format)}' at '${path}.member.image.format' failed to satisfy constraint: Member must satisfy enum value set: [gif, jpeg, png, webp]`;
    }
    const source = image.source as Record<string, unknown> | undefined;
    if (!isObject(source) || (typeof source.bytes !== 'string' && !isObject(source.s3Location)))
      return `1 validation error detected: Value null at '${path}.member.image.source' failed to satisfy constraint: Member must not be null`;
  }
  if (block.toolUse !== undefined) {
    const t = block.toolUse as Record<string, unknown>;
    if (typeof t.toolUseId !== 'string' || typeof t.name !== 'string')
      return `1 validation error detected: Value null at '${path}.member.toolUse.toolUseId' failed to satisfy constraint: Member must not be null`;
  }
  if (block.toolResult !== undefined) {
    const r = block.toolResult as Record<string, unknown>;
    if (typeof r.toolUseId !== 'string' || !Array.isArray(r.content))
      return `1 validation error detected: Value null at '${path}.member.toolResult.toolUseId' failed to satisfy constraint: Member must not be null`;
  }
  return undefined;
}

function messagesProblem(body: ConverseRequest): string | undefined {
  const messages = body.messages as unknown;
  if (!Array.isArray(messages))
    return "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null";
  if (messages.length === 0)
    return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  const hasToolConfig = isObject(body.toolConfig);
  let previousRole: string | undefined;
  let previousToolUses: string[] = [];
  for (const [i, m] of messages.entries()) {
    if (!isObject(m))
      return `1 validation error detected: Value null at 'messages.${i + 1}.member' failed to satisfy constraint: Member must not be null`;
    if (m.role !== 'user' && m.role !== 'assistant') {
      return `1 validation error detected: Value '${String(m.role)}' at 'messages.${i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`;
    }
    if (i === 0 && m.role !== 'user')
      return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
    if (m.role === previousRole)
      return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    if (!Array.isArray(m.content) || m.content.length === 0)
      return `1 validation error detected: Value at 'messages.${i + 1}.member.content' failed to satisfy constraint: Member must have length greater than or equal to 1`;
    for (const [j, block] of m.content.entries()) {
      const p = blockProblem(block, `messages.${i}.content.${j}`);
      if (p) return p;
    }
    const blocks = m.content as Array<Record<string, { toolUseId?: string }>>;
    const uses = blocks.flatMap((b) => (b.toolUse?.toolUseId ? [b.toolUse.toolUseId] : []));
    const results = blocks.flatMap((b) => (b.toolResult?.toolUseId ? [b.toolResult.toolUseId] : []));
    if ((uses.length > 0 || results.length > 0) && !hasToolConfig)
      return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
    if (m.role === 'user') {
      if (results.length > previousToolUses.length)
        return `The number of toolResult blocks at messages.${i}.content exceeds the number of toolUse blocks of previous turn.`;
      const stray = results.find((id) => !previousToolUses.includes(id));
      if (stray)
        return `The toolUse ID ${stray} in the toolResult block at messages.${i}.content does not match any toolUse block of the previous turn.`;
      const missing = previousToolUses.filter((id) => !results.includes(id));
      if (missing.length > 0)
        return `Expected toolResult blocks at messages.${i}.content for the following Ids: ${missing.join(', ')}`;
      previousToolUses = [];
    } else {
      previousToolUses = uses;
    }
    previousRole = m.role;
  }
  return undefined;
}

/** The cachePoint TTLs in prefix order (tools → system → messages). */
function cachePointTtls(body: ConverseRequest): string[] {
  const ttls: string[] = [];
  for (const t of body.toolConfig?.tools ?? []) if (t.cachePoint) ttls.push(t.cachePoint.ttl ?? '5m');
  for (const s of body.system ?? []) if (s.cachePoint) ttls.push(s.cachePoint.ttl ?? '5m');
  for (const m of body.messages)
    for (const b of m.content) if (b.cachePoint) ttls.push(b.cachePoint.ttl ?? '5m');
  return ttls;
}

/** Check a Converse body. */
export function converseBodyProblem(json: unknown): string | undefined {
  if (!isObject(json)) return 'Malformed input request, please reformat your input and try again.';
  const body = json as ConverseRequest;
  const config = body.inferenceConfig;
  if (config !== undefined) {
    if (!isObject(config)) return 'Malformed input request, please reformat your input and try again.';
    if (config.maxTokens !== undefined && (typeof config.maxTokens !== 'number' || config.maxTokens < 1)) {
      return `1 validation error detected: Value '${String(config.maxTokens)}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1`;
    }
  }
  if (body.system !== undefined && !Array.isArray(body.system))
    return 'Malformed input request, please reformat your input and try again.';
  if (body.toolConfig !== undefined) {
    const tools = body.toolConfig.tools as unknown;
    if (!Array.isArray(tools) || tools.length === 0)
      return "1 validation error detected: Value '[]' at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1";
    for (const [i, t] of tools.entries()) {
      if (!isObject(t) || (!isObject(t.toolSpec) && !isObject(t.cachePoint)))
        return `1 validation error detected: Value null at 'toolConfig.tools.${i + 1}.member' failed to satisfy constraint: Member must not be null`;
      if (isObject(t.toolSpec) && (typeof t.toolSpec.name !== 'string' || !isObject(t.toolSpec.inputSchema)))
        return `1 validation error detected: Value null at 'toolConfig.tools.${i + 1}.member.toolSpec.inputSchema' failed to satisfy constraint: Member must not be null`;
    }
  }
  const problem = messagesProblem(body);
  if (problem) return problem;
  const ttls = cachePointTtls(body);
  if (ttls.length > MAX_CACHE_POINTS)
    return `The number of cache points exceeds the maximum of ${MAX_CACHE_POINTS}.`;
  // Same rule as Anthropic's: a longer-lived entry may not follow a shorter-lived one in the prefix.
  const firstShort = ttls.indexOf('5m');
  if (firstShort >= 0 && ttls.slice(firstShort).includes('1h'))
    return 'A cache point with ttl 1h must not come after a cache point with ttl 5m (order: toolConfig.tools, system, messages).';
  return undefined;
}
