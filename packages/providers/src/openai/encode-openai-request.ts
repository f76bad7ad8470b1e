// Canonical request → Chat Completions body. Pure: no I/O, no credentials (openai-adapter.ts adds those).
import {
  InvalidRequestError,
  type ChatRequest,
  type ImagePart,
  type Message,
  type ToolChoice,
} from '@rampart/spec';
import type {
  OpenAIChatRequestBody,
  OpenAIImagePart,
  OpenAIMessage,
  OpenAITextPart,
  OpenAITool,
  OpenAIToolCall,
  OpenAIToolChoice,
} from './openai-wire-types.js';
import { toOpenAIToolArguments } from './openai-tool-arguments.js';

/** Which dialect to speak: OpenAI itself, or a compatible server (vLLM, Ollama, …). */
export interface OpenAIRequestDialect {
  /** True for api.openai.com: max_completion_tokens, no top_k. False: max_tokens, top_k passed through. */
  official: boolean;
}

function imageUrl(image: ImagePart): OpenAIImagePart {
  const { source } = image;
  const url = source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
  return { type: 'image_url', image_url: { url } };
}

// One text part stays a plain string: every compatible server accepts that, not all accept part arrays.
function textContent(parts: OpenAITextPart[]): string | OpenAITextPart[] {
  return parts.length === 1 && parts[0] !== undefined ? parts[0].text : parts;
}

function encodeUserTurn(message: Extract<Message, { role: 'user' }>, turn: number): OpenAIMessage[] {
  const toolMessages: OpenAIMessage[] = [];
  const parts: Array<OpenAITextPart | OpenAIImagePart> = [];
  message.content.forEach((part, p) => {
    if (part.type === 'text') parts.push({ type: 'text', text: part.text });
    else if (part.type === 'image') parts.push(imageUrl(part));
    else {
      // OpenAI tool messages carry text only; dropping an image would silently change what the model sees.
      const texts = part.content.map((item, i) => {
        if (item.type === 'text') return item.text;
        throw new InvalidRequestError(
          'OpenAI tool messages cannot carry images; send the image in a user part.',
          {
            code: 'unsupported_content',
            param: `messages[${turn}].content[${p}].content[${i}]`,
          },
        );
      });
      toolMessages.push({ role: 'tool', tool_call_id: part.toolCallId, content: texts.join('') });
    }
  });
  // Tool messages go first: OpenAI requires them right after the assistant message that made the calls,
  // while canonical turns may mix results with follow-up text in any order.
  if (parts.length === 0) return toolMessages;
  const onlyText = parts.every((part): part is OpenAITextPart => part.type === 'text');
  return [...toolMessages, { role: 'user', content: onlyText ? textContent(parts) : parts }];
}

function encodeAssistantTurn(message: Extract<Message, { role: 'assistant' }>): OpenAIMessage {
  let text = '';
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of message.content) {
    // Joined without separator: canonical text blocks of one turn are consecutive pieces of one answer.
    if (part.type === 'text') text += part.text;
    else {
      toolCalls.push({
        id: part.id,
        type: 'function',
        function: { name: part.name, arguments: toOpenAIToolArguments(part.input) },
      });
    }
  }
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls };
}

function encodeToolChoice(choice: ToolChoice): OpenAIToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

/** The Chat Completions body for a canonical request, addressed to `model`. */
export function encodeOpenAIRequest(
  request: ChatRequest,
  model: string,
  dialect: OpenAIRequestDialect,
): OpenAIChatRequestBody {
  const messages: OpenAIMessage[] = [];
  if (request.system !== undefined && request.system.length > 0) {
    messages.push({
      role: 'system',
      content: textContent(request.system.map((p) => ({ type: 'text', text: p.text }))),
    });
  }
  request.messages.forEach((message, turn) => {
    if (message.role === 'user') messages.push(...encodeUserTurn(message, turn));
    else messages.push(encodeAssistantTurn(message));
  });

  const body: OpenAIChatRequestBody = { model, messages };
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = tools.map((tool): OpenAITool => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.inputSchema,
      },
    }));
    if (request.toolChoice !== undefined) {
      body.tool_choice = encodeToolChoice(request.toolChoice);
      // OpenAI rejects parallel_tool_calls without tools, so it is only ever set here.
      if (request.toolChoice.type !== 'none' && request.toolChoice.disableParallel === true) {
        body.parallel_tool_calls = false;
      }
    }
  }
  if (request.maxTokens !== undefined) {
    // OpenAI deprecated max_tokens (reasoning models reject it); compatible servers mostly know only max_tokens.
    if (dialect.official) body.max_completion_tokens = request.maxTokens;
    else body.max_tokens = request.maxTokens;
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  // OpenAI answers 400 to top_k; vLLM and others honour it.
  if (request.topK !== undefined && !dialect.official) body.top_k = request.topK;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  if (request.stream) {
    body.stream = true;
    // Without include_usage a streamed call reports no usage at all, and we bill from usage.
    body.stream_options = { include_usage: true };
  }
  if (request.user !== undefined) body.user = request.user;
  return body;
}
