// The request as the provider's cache sees it: one position per block in prefix order tools → system →
// messages (each content part is a block; a tool result is one block, its inner parts included). The planner
// reasons in positions because the provider's 20-block lookback counts them.
import type { CacheControl, ChatRequest, Message } from '@rampart/spec';
import { IMAGE_TOKENS_LOWER_BOUND } from './prompt-cache-tokens.js';

/** What a position holds. */
export type PositionKind = 'tool' | 'system' | 'text' | 'image' | 'tool_call' | 'tool_result';

/** One cacheable block of the prompt. */
export interface CachePosition {
  kind: PositionKind;
  /** Index of the message (messages only). */
  message?: number;
  /** Index in tools, system, or the message's content. */
  index: number;
  role?: Message['role'];
  /** The client's breakpoint on this block (for a tool result: on it or on one of its inner parts). */
  clientTtl?: NonNullable<CacheControl['ttl']>;
  /** Text whose tokens approximate the block's (images count as a fixed floor instead). */
  text: string;
  /** Tokens added regardless of text (image floors). */
  fixedTokens: number;
}

/** Positions in prefix order, plus how many cache_control markers the client set (inner ones included). */
export interface PromptPositions {
  positions: CachePosition[];
  clientBreakpoints: number;
}

function ttlOf(cc: CacheControl | undefined): NonNullable<CacheControl['ttl']> | undefined {
  return cc ? (cc.ttl ?? '5m') : undefined;
}

function withTtl(position: CachePosition, cc: CacheControl | undefined): CachePosition {
  const ttl = ttlOf(cc);
  return ttl ? { ...position, clientTtl: ttl } : position;
}

/** Lays `request` out as the provider's cache does. */
export function promptPositions(request: ChatRequest): PromptPositions {
  const positions: CachePosition[] = [];
  let clientBreakpoints = 0;
  const count = (cc: CacheControl | undefined) => {
    if (cc) clientBreakpoints++;
  };
  (request.tools ?? []).forEach((tool, index) => {
    count(tool.cacheControl);
    const { cacheControl: _cc, ...definition } = tool;
    positions.push(
      withTtl({ kind: 'tool', index, text: JSON.stringify(definition), fixedTokens: 0 }, tool.cacheControl),
    );
  });
  (request.system ?? []).forEach((part, index) => {
    count(part.cacheControl);
    positions.push(withTtl({ kind: 'system', index, text: part.text, fixedTokens: 0 }, part.cacheControl));
  });
  request.messages.forEach((message, m) => {
    message.content.forEach((part, index) => {
      count(part.cacheControl);
      const base = { message: m, index, role: message.role };
      switch (part.type) {
        case 'text':
          positions.push(
            withTtl({ ...base, kind: 'text', text: part.text, fixedTokens: 0 }, part.cacheControl),
          );
          break;
        case 'image':
          positions.push(
            withTtl(
              { ...base, kind: 'image', text: '', fixedTokens: IMAGE_TOKENS_LOWER_BOUND },
              part.cacheControl,
            ),
          );
          break;
        case 'tool_call':
          positions.push(
            withTtl(
              { ...base, kind: 'tool_call', text: part.name + JSON.stringify(part.input), fixedTokens: 0 },
              part.cacheControl,
            ),
          );
          break;
        case 'tool_result': {
          for (const inner of part.content) count(inner.cacheControl);
          // A breakpoint inside a tool result marks the end of the whole tool result block.
          const cc = part.cacheControl ?? part.content.find((inner) => inner.cacheControl)?.cacheControl;
          const text = part.content.map((inner) => (inner.type === 'text' ? inner.text : '')).join('\n');
          const images = part.content.filter((inner) => inner.type === 'image').length;
          positions.push(
            withTtl(
              { ...base, kind: 'tool_result', text, fixedTokens: images * IMAGE_TOKENS_LOWER_BOUND },
              cc,
            ),
          );
          break;
        }
      }
    });
  });
  return { positions, clientBreakpoints };
}
