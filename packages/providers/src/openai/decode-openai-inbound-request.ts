// A client's Chat Completions body → canonical request. Validation errors name the exact field
// (`messages[2].content[0].image_url.url`) with OpenAI-style wording, because the client's SDK shows them
// to a developer who has to find the mistake.
//
// System and developer messages: the leading run becomes the canonical system prompt. One that appears
// later (agent frameworks inject reminders mid-conversation) is folded, in place, into the user side as a
// text part. Hoisting it into the system prompt instead would reorder the conversation and change the
// cached prefix on every turn; rejecting it would break clients that OpenAI itself serves.
import {
  InvalidRequestError,
  type AssistantPart,
  type ChatRequest,
  type ImageSource,
  type Message,
  type TextPart,
  type ToolChoice,
  type ToolDefinition,
  type UserPart,
} from '@rampart/spec';
import type { DecodedInbound } from '../inbound-codec.js';
import { formatOpenAIZodIssue } from './format-openai-zod-issue.js';
import {
  openAIInboundRequestSchema,
  type OpenAIInboundMessage,
  type OpenAIInboundRequest,
} from './openai-inbound-schema.js';

/** What only the OpenAI wire knows about a request, needed to answer it in kind. */
export interface OpenAIInboundOptions {
  /** The model name the client asked for; responses echo it. */
  model: string;
  /** stream_options.include_usage: send a final usage chunk. */
  includeUsage: boolean;
}

type TextContent = string | Array<{ type: 'text'; text: string }>;

function textParts(content: TextContent): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part) => ({ type: 'text', text: part.text }));
}

function imageSource(url: string, param: string): ImageSource {
  if (url.startsWith('data:')) {
    const match = /^data:([\w.+-]+\/[\w.+-]+);base64,([A-Za-z0-9+/=\s]+)$/.exec(url);
    if (match?.[1] === undefined || match[2] === undefined) {
      throw new InvalidRequestError(
        `Invalid image data URL in '${param}': expected data:<media type>;base64,<data>.`,
        {
          param,
        },
      );
    }
    return { kind: 'base64', mediaType: match[1], data: match[2].replace(/\s+/g, '') };
  }
  if (/^https?:\/\/[^\s]+$/i.test(url)) return { kind: 'url', url };
  throw new InvalidRequestError(
    `Invalid image URL in '${param}': expected an http(s) URL or a base64 data URL.`,
    {
      param,
    },
  );
}

function userParts(
  content: Extract<OpenAIInboundMessage, { role: 'user' }>['content'],
  at: string,
): UserPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part, j): UserPart => {
    switch (part.type) {
      case 'text':
        return { type: 'text', text: part.text };
      case 'image_url':
        return {
          type: 'image',
          source: imageSource(part.image_url.url, `${at}.content[${j}].image_url.url`),
        };
      default:
        throw new InvalidRequestError(`Content parts of type '${part.type}' are not supported.`, {
          code: 'unsupported_content',
          param: `${at}.content[${j}].type`,
        });
    }
  });
}

function parseArguments(text: string, param: string): unknown {
  // Some clients send '' for a call without arguments; OpenAI's own models send '{}'.
  if (text.trim() === '') return {};
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    throw new InvalidRequestError(`Invalid '${param}': expected a JSON object encoded as a string.`, {
      param,
    });
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidRequestError(`Invalid '${param}': expected a JSON object encoded as a string.`, {
      param,
    });
  }
  return input;
}

function assistantParts(
  message: Extract<OpenAIInboundMessage, { role: 'assistant' }>,
  at: string,
): AssistantPart[] {
  const parts: AssistantPart[] = [];
  const { content } = message;
  // Empty text is dropped: clients send content "" next to tool_calls, and upstreams reject empty blocks.
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', text: content });
  } else if (Array.isArray(content)) {
    for (const part of content) {
      const text = part.type === 'text' ? part.text : part.refusal;
      if (text !== '') parts.push({ type: 'text', text });
    }
  }
  if (typeof message.refusal === 'string' && message.refusal !== '' && parts.length === 0) {
    parts.push({ type: 'text', text: message.refusal });
  }
  (message.tool_calls ?? []).forEach((call, k) => {
    parts.push({
      type: 'tool_call',
      id: call.id,
      name: call.function.name,
      input: parseArguments(call.function.arguments, `${at}.tool_calls[${k}].function.arguments`),
    });
  });
  return parts;
}

function decodeMessages(messages: OpenAIInboundMessage[]): { system: TextPart[]; turns: Message[] } {
  const system: TextPart[] = [];
  const turns: Message[] = [];
  // Consecutive messages of one side merge into one canonical turn; that is how tool results (one OpenAI
  // message each) become one user turn, as Anthropic-style upstreams require.
  const append = (role: 'user' | 'assistant', parts: Array<UserPart | AssistantPart>): void => {
    const last = turns.at(-1);
    if (last !== undefined && last.role === role)
      (last.content as Array<UserPart | AssistantPart>).push(...parts);
    else if (role === 'user') turns.push({ role, content: parts as UserPart[] });
    else turns.push({ role, content: parts as AssistantPart[] });
  };
  let leading = true;
  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        if (leading) system.push(...textParts(message.content).filter((part) => part.text !== ''));
        else append('user', textParts(message.content));
        return;
      case 'user':
        leading = false;
        append('user', userParts(message.content, at));
        return;
      case 'assistant': {
        leading = false;
        const parts = assistantParts(message, at);
        // An assistant message with nothing in it says nothing; upstreams like Anthropic reject it.
        if (parts.length > 0) append('assistant', parts);
        return;
      }
      case 'tool': {
        leading = false;
        const content = textParts(message.content).filter((part) => part.text !== '');
        append('user', [{ type: 'tool_result', toolCallId: message.tool_call_id, content }]);
        return;
      }
    }
  });
  return { system, turns };
}

function decodeToolChoice(body: OpenAIInboundRequest, tools: ToolDefinition[]): ToolChoice | undefined {
  const choice = body.tool_choice;
  const disableParallel = body.parallel_tool_calls === false ? { disableParallel: true } : {};
  if (choice === undefined || choice === null) {
    return body.parallel_tool_calls === false ? { type: 'auto', disableParallel: true } : undefined;
  }
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...disableParallel };
  if (choice === 'required') return { type: 'any', ...disableParallel };
  const { name } = choice.function;
  if (!tools.some((tool) => tool.name === name)) {
    throw new InvalidRequestError(
      `Invalid 'tool_choice.function.name': no tool named '${name}' in 'tools'.`,
      {
        param: 'tool_choice.function.name',
      },
    );
  }
  return { type: 'tool', name, ...disableParallel };
}

/** Validates and decodes a parsed Chat Completions body; throws InvalidRequestError naming the field. */
export function decodeOpenAIInboundRequest(body: unknown): DecodedInbound<OpenAIInboundOptions> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('The request body must be a JSON object.');
  }
  const parsed = openAIInboundRequestSchema.safeParse(body);
  if (!parsed.success) {
    const { param, message } = formatOpenAIZodIssue(parsed.error.issues);
    throw new InvalidRequestError(message, { param });
  }
  const wire = parsed.data;
  if (wire.n !== undefined && wire.n !== null && wire.n > 1) {
    throw new InvalidRequestError("Only one choice per request is supported: 'n' must be 1.", {
      code: 'unsupported_content',
      param: 'n',
    });
  }

  const { system, turns } = decodeMessages(wire.messages);
  const tools = (wire.tools ?? []).map((tool): ToolDefinition => ({
    name: tool.function.name,
    ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
    // OpenAI allows omitting parameters for a no-argument function; upstreams want a schema.
    inputSchema: tool.function.parameters ?? { type: 'object', properties: {} },
  }));
  // Without tools a tool_choice means nothing; OpenAI would 400, we drop it so the request still works.
  const toolChoice = tools.length > 0 ? decodeToolChoice(wire, tools) : undefined;
  const maxTokens = wire.max_completion_tokens ?? wire.max_tokens ?? undefined;
  const stop = typeof wire.stop === 'string' ? [wire.stop] : (wire.stop ?? []);

  const request: ChatRequest = {
    model: wire.model,
    messages: turns,
    stream: wire.stream === true,
    ...(system.length > 0 ? { system } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(maxTokens === undefined ? {} : { maxTokens }),
    ...(wire.temperature === undefined || wire.temperature === null ? {} : { temperature: wire.temperature }),
    ...(wire.top_p === undefined || wire.top_p === null ? {} : { topP: wire.top_p }),
    ...(stop.length > 0 ? { stop } : {}),
    ...(wire.user === undefined || wire.user === null || wire.user === '' ? {} : { user: wire.user }),
  };
  return {
    request,
    options: { model: wire.model, includeUsage: wire.stream_options?.include_usage === true },
  };
}
