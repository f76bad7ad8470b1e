// A client's Messages request → canonical ChatRequest, validated first. Conversions are lossless for what
// the canonical model holds; cache_control travels with every block so the upstream sees the same
// breakpoints the client set.
import { InvalidRequestError } from '@rampart/spec';
import type {
  AssistantPart,
  CacheControl,
  ChatRequest,
  ImagePart,
  Message,
  TextPart,
  ToolChoice,
  ToolDefinition,
  UserPart,
} from '@rampart/spec';
import { anthropicInboundRequestSchema } from './anthropic-inbound-schema.js';
import type { AnthropicInboundRequest } from './anthropic-inbound-schema.js';
import { formatAnthropicValidationError } from './format-anthropic-validation-error.js';

/** Wire options of an Anthropic inbound request that the canonical request does not carry. */
export interface AnthropicInboundOptions {
  /** The model the client asked for, echoed when the upstream does not name one. */
  model: string;
  /** Whether the client asked for a stream. */
  stream: boolean;
}

type WireMessage = AnthropicInboundRequest['messages'][number];
type WireBlock = Exclude<WireMessage['content'], string>[number];
type WireCache = { type: 'ephemeral'; ttl?: '5m' | '1h' | undefined } | null | undefined;
type WireText = Extract<WireBlock, { type: 'text' }>;
type WireImage = Extract<WireBlock, { type: 'image' }>;

/** Top-level fields that change what the model does; ignoring them would answer a different question. */
function rejectUnsupportedFeatures(body: Record<string, unknown>): void {
  const thinking = body['thinking'];
  if (
    typeof thinking === 'object' &&
    thinking !== null &&
    (thinking as { type?: unknown }).type !== 'disabled'
  ) {
    throw new InvalidRequestError('thinking: extended thinking is not supported by this gateway', {
      code: 'unsupported_content',
      param: 'thinking',
    });
  }
  for (const field of ['mcp_servers', 'container', 'context_management'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) {
      throw new InvalidRequestError(`${field}: not supported by this gateway`, {
        code: 'unsupported_content',
        param: field,
      });
    }
  }
}

function withCache<T extends object>(part: T, cc: WireCache): T {
  if (cc === undefined || cc === null) return part;
  const cacheControl: CacheControl =
    cc.ttl === undefined ? { type: cc.type } : { type: cc.type, ttl: cc.ttl };
  return { ...part, cacheControl };
}

function text(block: WireText): TextPart {
  return withCache<TextPart>({ type: 'text', text: block.text }, block.cache_control);
}

function image(block: WireImage): ImagePart {
  const source: ImagePart['source'] =
    block.source.type === 'base64'
      ? { kind: 'base64', mediaType: block.source.media_type, data: block.source.data }
      : { kind: 'url', url: block.source.url };
  return withCache<ImagePart>({ type: 'image', source }, block.cache_control);
}

function wrongRole(at: string, type: string, role: string): InvalidRequestError {
  return new InvalidRequestError(
    `${at.replace(/\[(\d+)\]/g, '.$1')}: '${type}' blocks are not allowed in ${role} messages`,
    {
      param: at,
    },
  );
}

function userPart(block: WireBlock, at: string): UserPart {
  switch (block.type) {
    case 'text':
      return text(block);
    case 'image':
      return image(block);
    case 'tool_result': {
      const content =
        block.content === undefined || block.content === ''
          ? []
          : typeof block.content === 'string'
            ? [{ type: 'text' as const, text: block.content }]
            : block.content.map((c) => (c.type === 'text' ? text(c) : image(c)));
      const part: UserPart = { type: 'tool_result', toolCallId: block.tool_use_id, content };
      if (block.is_error !== undefined) part.isError = block.is_error;
      return withCache(part, block.cache_control);
    }
    case 'tool_use':
      throw wrongRole(`${at}.type`, block.type, 'user');
  }
}

function assistantPart(block: WireBlock, at: string): AssistantPart {
  switch (block.type) {
    case 'text':
      return text(block);
    case 'tool_use':
      return withCache<AssistantPart>(
        { type: 'tool_call', id: block.id, name: block.name, input: block.input },
        block.cache_control,
      );
    case 'image':
    case 'tool_result':
      throw wrongRole(`${at}.type`, block.type, 'assistant');
  }
}

function message(wire: WireMessage, i: number): Message {
  const blocks: WireBlock[] =
    typeof wire.content === 'string' ? [{ type: 'text', text: wire.content }] : wire.content;
  const at = (j: number) => `messages[${i}].content[${j}]`;
  return wire.role === 'user'
    ? { role: 'user', content: blocks.map((b, j) => userPart(b, at(j))) }
    : { role: 'assistant', content: blocks.map((b, j) => assistantPart(b, at(j))) };
}

function tool(wire: NonNullable<AnthropicInboundRequest['tools']>[number]): ToolDefinition {
  const definition: ToolDefinition = { name: wire.name, inputSchema: wire.input_schema };
  if (wire.description !== undefined) definition.description = wire.description;
  return withCache(definition, wire.cache_control);
}

function toolChoice(wire: NonNullable<AnthropicInboundRequest['tool_choice']>): ToolChoice {
  if (wire.type === 'none') return { type: 'none' };
  const parallel =
    wire.disable_parallel_tool_use === undefined ? {} : { disableParallel: wire.disable_parallel_tool_use };
  return wire.type === 'tool'
    ? { type: 'tool', name: wire.name, ...parallel }
    : { type: wire.type, ...parallel };
}

/** Validates a parsed Messages body and decodes it; throws InvalidRequestError naming the offending field. */
export function decodeAnthropicInboundRequest(body: unknown): {
  request: ChatRequest;
  options: AnthropicInboundOptions;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('Request body must be a JSON object');
  }
  rejectUnsupportedFeatures(body as Record<string, unknown>);
  const parsed = anthropicInboundRequestSchema.safeParse(body);
  if (!parsed.success) throw formatAnthropicValidationError(parsed.error, body);
  const wire = parsed.data;

  const request: ChatRequest = {
    model: wire.model,
    messages: wire.messages.map(message),
    maxTokens: wire.max_tokens,
    stream: wire.stream ?? false,
  };
  if (wire.system !== undefined) {
    // A string system prompt is one text block, as the API itself treats it; "" means no system prompt.
    const system =
      typeof wire.system === 'string'
        ? wire.system === ''
          ? []
          : [{ type: 'text' as const, text: wire.system }]
        : wire.system.map(text);
    if (system.length > 0) request.system = system;
  }
  if (wire.tools !== undefined) request.tools = wire.tools.map(tool);
  if (wire.tool_choice !== undefined) request.toolChoice = toolChoice(wire.tool_choice);
  if (wire.stop_sequences !== undefined) request.stop = wire.stop_sequences;
  if (wire.temperature !== undefined) request.temperature = wire.temperature;
  if (wire.top_p !== undefined) request.topP = wire.top_p;
  if (wire.top_k !== undefined) request.topK = wire.top_k;
  const userId = wire.metadata?.user_id;
  if (typeof userId === 'string') request.user = userId;
  return { request, options: { model: wire.model, stream: request.stream } };
}
