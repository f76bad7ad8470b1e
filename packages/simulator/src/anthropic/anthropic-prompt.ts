// Turns a validated Messages body into the simulator's neutral prompt (cache-ordered blocks with token counts)
// and the facts the reply depends on. Shared with Bedrock InvokeModel.
import type { TurnInput } from '../model/plan-reply.js';
import { imageBlock, jsonBlock, textBlock, type PromptBlock } from '../prompt/prompt-block.js';
import { IMAGE_TOKENS, canonicalJson, countTokens } from '../prompt/token-count.js';
import {
  anthropicContentBlocks,
  type AnthropicBlock,
  type AnthropicRequestBody,
} from './anthropic-request.js';

function withoutCacheControl(block: Record<string, unknown>): Record<string, unknown> {
  const { cache_control: _ignored, ...rest } = block;
  return rest;
}

function sourceIdentity(source: AnthropicBlock['source']): string {
  return source?.data ?? source?.url ?? source?.file_id ?? '';
}

/** Tokens and identity of a tool result whose content may mix text and images. */
function toolResultBlock(section: string, b: AnthropicBlock): PromptBlock {
  const parts = anthropicContentBlocks(b.content ?? '');
  let tokens = countTokens(b.tool_use_id ?? '');
  const identity = parts.map((p) => {
    if (p.type === 'image' || p.type === 'document') {
      tokens += IMAGE_TOKENS;
      return { type: p.type, source: imageBlock('', sourceIdentity(p.source)).key };
    }
    const text = p.type === 'text' ? (p.text ?? '') : canonicalJson(withoutCacheControl(p));
    tokens += countTokens(text);
    return { type: p.type, text };
  });
  return {
    key: `${section}\u0000${canonicalJson({ tool_result: b.tool_use_id, is_error: b.is_error === true, identity })}`,
    tokens,
  };
}

function promptBlock(section: string, b: AnthropicBlock): PromptBlock {
  switch (b.type) {
    case 'text':
      return textBlock(section, b.text ?? '');
    case 'image':
      return imageBlock(section, sourceIdentity(b.source));
    case 'document':
      return b.source?.type === 'text'
        ? textBlock(section, b.source.data ?? '')
        : imageBlock(section, sourceIdentity(b.source));
    case 'tool_use':
      return textBlock(section, `${b.name ?? ''}${canonicalJson(b.input ?? {})}`);
    case 'tool_result':
      return toolResultBlock(section, b);
    case 'thinking':
      return textBlock(section, b.thinking ?? '');
    default:
      return jsonBlock(section, withoutCacheControl(b));
  }
}

function mark(block: PromptBlock, source: { cache_control?: { ttl?: '5m' | '1h' } }): PromptBlock {
  return source.cache_control ? { ...block, breakpoint: source.cache_control.ttl ?? '5m' } : block;
}

/** Prompt blocks in cache order: tools → system → messages. */
export function anthropicPromptBlocks(body: AnthropicRequestBody): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  for (const tool of body.tools ?? []) blocks.push(mark(jsonBlock('tool', withoutCacheControl(tool)), tool));
  if (typeof body.system === 'string') {
    if (body.system !== '') blocks.push(textBlock('system', body.system));
  } else {
    for (const b of body.system ?? []) blocks.push(mark(textBlock('system', b.text ?? ''), b));
  }
  for (const m of body.messages) {
    for (const b of anthropicContentBlocks(m.content)) {
      blocks.push(mark(promptBlock(m.role, b), b));
      if (b.type === 'tool_result' && Array.isArray(b.content)) {
        // A breakpoint inside a tool result marks the end of the tool result block.
        const inner = b.content.find((c) => c.cache_control);
        if (inner && !b.cache_control) blocks[blocks.length - 1] = mark(blocks[blocks.length - 1]!, inner);
      }
    }
  }
  return blocks;
}

function textOf(blocks: AnthropicBlock[]): string {
  return blocks
    .flatMap((b) =>
      b.type === 'text'
        ? [b.text ?? '']
        : b.type === 'tool_result'
          ? [textOf(anthropicContentBlocks(b.content ?? ''))]
          : [],
    )
    .join('\n');
}

/** The facts the reply depends on. */
export function anthropicTurnInput(body: AnthropicRequestBody): TurnInput {
  const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
  const blocks = lastUser ? anthropicContentBlocks(lastUser.content) : [];
  const results = blocks.filter((b) => b.type === 'tool_result');
  const choice = body.tool_choice ?? { type: 'auto' as const };
  return {
    lastUserText: textOf(blocks.filter((b) => b.type === 'text')),
    ...(results.length > 0 ? { lastToolResultText: textOf(results) } : {}),
    tools: (body.tools ?? [])
      .filter((t) => t.type === undefined || t.type === 'custom')
      .map((t) => ({ name: t.name, schema: t.input_schema })),
    toolChoice: { type: choice.type, ...(choice.name ? { name: choice.name } : {}) },
    maxTokens: body.max_tokens,
    stopSequences: body.stop_sequences ?? [],
  };
}
