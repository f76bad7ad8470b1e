// Turns a validated Converse body into the neutral prompt (tools → system → messages; a cachePoint marks the
// block before it as a breakpoint) and the facts the reply depends on.
import type { TurnInput } from '../model/plan-reply.js';
import { imageBlock, jsonBlock, textBlock, type PromptBlock } from '../prompt/prompt-block.js';
import { IMAGE_TOKENS, canonicalJson, countTokens } from '../prompt/token-count.js';
import type { ConverseBlock, ConverseCachePoint, ConverseRequest } from './converse-request.js';

function markLast(blocks: PromptBlock[], point: ConverseCachePoint): void {
  const last = blocks[blocks.length - 1];
  if (last) blocks[blocks.length - 1] = { ...last, breakpoint: point.ttl ?? '5m' };
}

function toolResultBlock(section: string, result: NonNullable<ConverseBlock['toolResult']>): PromptBlock {
  let tokens = countTokens(result.toolUseId);
  const identity = result.content.map((c) => {
    if (c.image) {
      tokens += IMAGE_TOKENS;
      return { image: imageBlock('', c.image.source.bytes ?? c.image.source.s3Location?.uri ?? '').key };
    }
    const text = c.text ?? canonicalJson(c.json ?? c);
    tokens += countTokens(text);
    return { text };
  });
  return {
    key: `${section}\u0000${canonicalJson({ toolResult: result.toolUseId, status: result.status ?? 'success', identity })}`,
    tokens,
  };
}

function promptBlock(section: string, b: ConverseBlock): PromptBlock {
  if (b.text !== undefined) return textBlock(section, b.text);
  if (b.image) return imageBlock(section, b.image.source.bytes ?? b.image.source.s3Location?.uri ?? '');
  if (b.document)
    return b.document.source.text !== undefined
      ? textBlock(section, b.document.source.text)
      : imageBlock(section, b.document.source.bytes ?? '');
  if (b.toolUse) return textBlock(section, `${b.toolUse.name}${canonicalJson(b.toolUse.input ?? {})}`);
  if (b.toolResult) return toolResultBlock(section, b.toolResult);
  return jsonBlock(section, b);
}

/** Prompt blocks in cache order. */
export function conversePromptBlocks(body: ConverseRequest): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  for (const tool of body.toolConfig?.tools ?? []) {
    if (tool.cachePoint) markLast(blocks, tool.cachePoint);
    else blocks.push(jsonBlock('tool', tool.toolSpec));
  }
  for (const s of body.system ?? []) {
    if (s.cachePoint) markLast(blocks, s.cachePoint);
    else blocks.push(s.text !== undefined ? textBlock('system', s.text) : jsonBlock('system', s));
  }
  for (const m of body.messages) {
    for (const b of m.content) {
      if (b.cachePoint) markLast(blocks, b.cachePoint);
      else blocks.push(promptBlock(m.role, b));
    }
  }
  return blocks;
}

function resultText(result: NonNullable<ConverseBlock['toolResult']>): string {
  return result.content.map((c) => c.text ?? (c.json !== undefined ? JSON.stringify(c.json) : '')).join('\n');
}

/** The facts the reply depends on. */
export function converseTurnInput(body: ConverseRequest): TurnInput {
  const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
  const blocks = lastUser?.content ?? [];
  const results = blocks.flatMap((b) => (b.toolResult ? [resultText(b.toolResult)] : []));
  const choice = body.toolConfig?.toolChoice;
  return {
    lastUserText: blocks.flatMap((b) => (b.text !== undefined ? [b.text] : [])).join('\n'),
    ...(results.length > 0 ? { lastToolResultText: results.join('\n') } : {}),
    tools: (body.toolConfig?.tools ?? []).flatMap((t) =>
      t.toolSpec ? [{ name: t.toolSpec.name, schema: t.toolSpec.inputSchema.json }] : [],
    ),
    toolChoice: choice?.tool
      ? { type: 'tool', name: choice.tool.name }
      : choice?.any
        ? { type: 'any' }
        : { type: 'auto' },
    ...(body.inferenceConfig?.maxTokens !== undefined ? { maxTokens: body.inferenceConfig.maxTokens } : {}),
    stopSequences: body.inferenceConfig?.stopSequences ?? [],
  };
}

/** Whether the request uses prompt caching (then usage reports the cache fields). */
export function converseUsesCache(body: ConverseRequest): boolean {
  return (
    (body.toolConfig?.tools ?? []).some((t) => t.cachePoint) ||
    (body.system ?? []).some((s) => s.cachePoint) ||
    body.messages.some((m) => m.content.some((b) => b.cachePoint))
  );
}
