// Canonical request → Anthropic Messages body, shared by the direct adapter and Bedrock InvokeModel.
// Prompt caching matches prefixes exactly, so this encoding is a pure function of the canonical request:
// the same turns always produce the same bytes, keys in a fixed order, cache_control exactly where the
// client put it, and nothing from earlier turns reordered, merged or trimmed.
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
import { defaultAnthropicMaxTokens } from './default-anthropic-max-tokens.js';
import type {
  AnthropicCacheControl,
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolResultBlock,
} from './anthropic-wire-types.js';

function cacheControl(cc: CacheControl): AnthropicCacheControl {
  // Copy only known keys: ttl absent stays absent (the API's default is 5m, but adding it would change bytes).
  return cc.ttl === undefined ? { type: cc.type } : { type: cc.type, ttl: cc.ttl };
}

function withCache<T extends object>(block: T, cc: CacheControl | undefined): T {
  return cc === undefined ? block : { ...block, cache_control: cacheControl(cc) };
}

function textBlock(part: TextPart): AnthropicTextBlock {
  return withCache({ type: 'text', text: part.text }, part.cacheControl);
}

function imageBlock(part: ImagePart): AnthropicImageBlock {
  const source: AnthropicImageBlock['source'] =
    part.source.kind === 'base64'
      ? { type: 'base64', media_type: part.source.mediaType, data: part.source.data }
      : { type: 'url', url: part.source.url };
  return withCache({ type: 'image', source }, part.cacheControl);
}

function userBlock(part: UserPart): AnthropicContentBlock {
  switch (part.type) {
    case 'text':
      return textBlock(part);
    case 'image':
      return imageBlock(part);
    case 'tool_result': {
      const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: part.toolCallId };
      // An empty result is sent without `content`, which the API reads as "no output".
      if (part.content.length > 0) {
        block.content = part.content.map((c) => (c.type === 'text' ? textBlock(c) : imageBlock(c)));
      }
      if (part.isError !== undefined) block.is_error = part.isError;
      return withCache(block, part.cacheControl);
    }
  }
}

function assistantBlock(part: AssistantPart): AnthropicContentBlock {
  if (part.type === 'text') return textBlock(part);
  return withCache(
    { type: 'tool_use', id: part.id, name: part.name, input: part.input ?? {} },
    part.cacheControl,
  );
}

// The API rejects empty text blocks ("text content blocks must be non-empty"). Other wires (OpenAI's
// `content: ""` beside tool_calls) produce them, so they are dropped — unless they carry a cache
// breakpoint, which we never move. Deterministic, so caching stays byte-stable.
function isDroppableEmptyText(part: UserPart | AssistantPart): boolean {
  return part.type === 'text' && part.text === '' && part.cacheControl === undefined;
}

function messageParam(message: Message): AnthropicMessageParam {
  if (message.role === 'user') {
    return { role: 'user', content: message.content.filter((p) => !isDroppableEmptyText(p)).map(userBlock) };
  }
  return {
    role: 'assistant',
    content: message.content.filter((p) => !isDroppableEmptyText(p)).map(assistantBlock),
  };
}

function tool(definition: ToolDefinition): AnthropicTool {
  const { name, description, inputSchema } = definition;
  const wire: AnthropicTool =
    description === undefined
      ? { name, input_schema: inputSchema }
      : { name, description, input_schema: inputSchema };
  return withCache(wire, definition.cacheControl);
}

function toolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (choice.type === 'none') return { type: 'none' };
  const parallel =
    choice.disableParallel === undefined ? {} : { disable_parallel_tool_use: choice.disableParallel };
  return choice.type === 'tool'
    ? { type: 'tool', name: choice.name, ...parallel }
    : { type: choice.type, ...parallel };
}

/**
 * Encodes a canonical request as an Anthropic Messages body WITHOUT `model` and `stream` (the caller adds
 * them; Bedrock InvokeModel adds `anthropic_version` instead). max_tokens defaults per model family.
 */
export function encodeAnthropicMessagesBody(request: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    max_tokens: request.maxTokens ?? defaultAnthropicMaxTokens(request.model),
  };
  if (request.system !== undefined && request.system.length > 0)
    body['system'] = request.system.map(textBlock);
  body['messages'] = request.messages.map(messageParam);
  if (request.tools !== undefined && request.tools.length > 0) body['tools'] = request.tools.map(tool);
  if (request.toolChoice !== undefined) body['tool_choice'] = toolChoice(request.toolChoice);
  if (request.stop !== undefined && request.stop.length > 0) body['stop_sequences'] = request.stop;
  // Sampling parameters go out as given. They are valid under anthropic-version 2023-06-01, which is what we
  // send; some newer models reject temperature and top_p together, and that 400 is the client's to see.
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.topP !== undefined) body['top_p'] = request.topP;
  if (request.topK !== undefined) body['top_k'] = request.topK;
  if (request.user !== undefined) body['metadata'] = { user_id: request.user };
  return body;
}
