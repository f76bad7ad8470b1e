// Turns a validated Chat Completions body into the neutral prompt (tools, then messages, for automatic prefix
// caching) and the facts the reply depends on.
import type { TurnInput } from '../model/plan-reply.js';
import { imageBlock, jsonBlock, textBlock, type PromptBlock } from '../prompt/prompt-block.js';
import type { OpenAIChatRequest, OpenAIContentPart, OpenAIMessage } from './openai-request.js';

function textOf(content: OpenAIMessage['content']): string {
  if (typeof content === 'string') return content;
  return (content ?? []).flatMap((p) => (p.type === 'text' ? [p.text ?? ''] : [])).join('\n');
}

function partBlock(section: string, part: OpenAIContentPart): PromptBlock {
  if (part.type === 'text') return textBlock(section, part.text ?? '');
  if (part.type === 'image_url') return imageBlock(section, part.image_url?.url ?? '');
  return jsonBlock(section, part);
}

/** Prompt blocks in prefix order. */
export function openaiPromptBlocks(body: OpenAIChatRequest): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  for (const tool of body.tools ?? []) blocks.push(jsonBlock('tool', tool));
  for (const m of body.messages) {
    const section = m.role === 'tool' ? `tool:${m.tool_call_id ?? ''}` : m.role;
    if (typeof m.content === 'string') blocks.push(textBlock(section, m.content));
    else for (const part of m.content ?? []) blocks.push(partBlock(section, part));
    for (const call of m.tool_calls ?? [])
      blocks.push(textBlock(`${section}:call`, `${call.function.name}${call.function.arguments}`));
  }
  return blocks;
}

function toolChoice(choice: OpenAIChatRequest['tool_choice']): TurnInput['toolChoice'] {
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  if (typeof choice === 'object') return { type: 'tool', name: choice.function.name };
  return { type: 'auto' };
}

/** The facts the reply depends on. */
export function openaiTurnInput(body: OpenAIChatRequest): TurnInput {
  const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
  const trailingTools: OpenAIMessage[] = [];
  for (let i = body.messages.length - 1; i >= 0 && body.messages[i]!.role === 'tool'; i--)
    trailingTools.unshift(body.messages[i]!);
  const stop = body.stop;
  return {
    lastUserText: lastUser ? textOf(lastUser.content) : '',
    ...(trailingTools.length > 0
      ? { lastToolResultText: trailingTools.map((m) => textOf(m.content)).join('\n') }
      : {}),
    tools: (body.tools ?? []).map((t) => ({ name: t.function.name, schema: t.function.parameters })),
    toolChoice: toolChoice(body.tool_choice),
    ...((body.max_completion_tokens ?? body.max_tokens)
      ? { maxTokens: (body.max_completion_tokens ?? body.max_tokens)! }
      : {}),
    stopSequences: typeof stop === 'string' ? [stop] : (stop ?? []),
  };
}
