// Canonical request → Bedrock Converse body (the model id travels in the path, not the body).
import { InvalidRequestError } from '@rampart/spec';
import type {
  CacheControl,
  ChatRequest,
  ImagePart,
  Message,
  TextPart,
  ToolChoice,
  ToolDefinition,
  ToolResultPart,
} from '@rampart/spec';

type Block = Record<string, unknown>;

/** Converse names image formats, not media types. */
const IMAGE_FORMATS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** A breakpoint in Converse is a block of its own, placed after the block it ends the cached prefix at. */
function cachePoint(cacheControl: CacheControl): Block {
  // 5m is Converse's default TTL; only the extended one is spelled out.
  return { cachePoint: { type: 'default', ...(cacheControl.ttl === '1h' ? { ttl: '1h' } : {}) } };
}

function withCachePoint(block: Block, cacheControl: CacheControl | undefined): Block[] {
  return cacheControl === undefined ? [block] : [block, cachePoint(cacheControl)];
}

function encodeImage(part: ImagePart, param: string): Block {
  if (part.source.kind === 'url') {
    throw new InvalidRequestError('Bedrock Converse takes image bytes only, not image URLs', {
      code: 'unsupported_content',
      param,
    });
  }
  const format = IMAGE_FORMATS[part.source.mediaType.toLowerCase()];
  if (format === undefined) {
    throw new InvalidRequestError(`Bedrock Converse does not take images of type ${part.source.mediaType}`, {
      code: 'unsupported_content',
      param,
    });
  }
  return { image: { format, source: { bytes: part.source.data } } };
}

function encodeText(part: TextPart): Block {
  return { text: part.text };
}

function encodeToolResult(part: ToolResultPart, param: string): Block[] {
  const content = part.content.map((inner, index) =>
    inner.type === 'text' ? encodeText(inner) : encodeImage(inner, `${param}.content[${index}]`),
  );
  const block = {
    toolResult: {
      toolUseId: part.toolCallId,
      content,
      ...(part.isError === true ? { status: 'error' } : {}),
    },
  };
  // Converse has no breakpoint inside a tool result; a marker on an inner part ends the prefix after the result.
  const innerMarker = part.content.findLast((inner) => inner.cacheControl !== undefined)?.cacheControl;
  return withCachePoint(block, part.cacheControl ?? innerMarker);
}

function encodeMessage(message: Message, messageIndex: number): Block {
  const content = message.content.flatMap((part, partIndex): Block[] => {
    const param = `messages[${messageIndex}].content[${partIndex}]`;
    switch (part.type) {
      case 'text':
        return withCachePoint(encodeText(part), part.cacheControl);
      case 'image':
        return withCachePoint(encodeImage(part, param), part.cacheControl);
      case 'tool_call':
        return withCachePoint(
          { toolUse: { toolUseId: part.id, name: part.name, input: part.input } },
          part.cacheControl,
        );
      case 'tool_result':
        return encodeToolResult(part, param);
    }
  });
  return { role: message.role, content };
}

function encodeToolChoice(choice: ToolChoice): Block | undefined {
  switch (choice.type) {
    case 'auto':
      return { auto: {} };
    case 'any':
      return { any: {} };
    case 'tool':
      return { tool: { name: choice.name } };
    case 'none':
      return undefined;
  }
}

function hasToolBlocks(messages: Message[]): boolean {
  return messages.some((m) => m.content.some((p) => p.type === 'tool_call' || p.type === 'tool_result'));
}

/**
 * Converse cannot say "tools exist but do not call one". With tool choice `none` the tools are left out, which
 * is exactly that, unless the conversation already holds toolUse/toolResult blocks: Converse then refuses a
 * request without toolConfig, so the tools stay and the choice is left to the model (as `auto`).
 */
function encodeToolConfig(
  tools: ToolDefinition[] | undefined,
  choice: ToolChoice | undefined,
  messages: Message[],
): Block | undefined {
  if (tools === undefined || tools.length === 0) return undefined;
  if (choice?.type === 'none' && !hasToolBlocks(messages)) return undefined;
  const specs = tools.flatMap((tool) =>
    withCachePoint(
      {
        toolSpec: {
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          inputSchema: { json: tool.inputSchema },
        },
      },
      tool.cacheControl,
    ),
  );
  // disableParallel has no Converse equivalent and is dropped.
  const toolChoice = choice === undefined ? undefined : encodeToolChoice(choice);
  return { tools: specs, ...(toolChoice === undefined ? {} : { toolChoice }) };
}

function encodeInferenceConfig(request: ChatRequest): Block | undefined {
  const config: Block = {};
  if (request.maxTokens !== undefined) config['maxTokens'] = request.maxTokens;
  if (request.temperature !== undefined) config['temperature'] = request.temperature;
  if (request.topP !== undefined) config['topP'] = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) config['stopSequences'] = request.stop;
  return Object.keys(config).length === 0 ? undefined : config;
}

/** Encodes a canonical request as a Converse / ConverseStream body. */
export function encodeConverseRequest(request: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    messages: request.messages.map(encodeMessage),
  };
  if (request.system !== undefined && request.system.length > 0) {
    body['system'] = request.system.flatMap((part) => withCachePoint(encodeText(part), part.cacheControl));
  }
  const inferenceConfig = encodeInferenceConfig(request);
  if (inferenceConfig !== undefined) body['inferenceConfig'] = inferenceConfig;
  const toolConfig = encodeToolConfig(request.tools, request.toolChoice, request.messages);
  if (toolConfig !== undefined) body['toolConfig'] = toolConfig;
  // top_k is not part of Converse's common config; Anthropic models take it as a native field.
  if (request.topK !== undefined) body['additionalModelRequestFields'] = { top_k: request.topK };
  return body;
}
