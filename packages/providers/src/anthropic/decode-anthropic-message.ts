// A complete Anthropic Messages response → canonical ChatResponse. Shared with Bedrock InvokeModel, whose
// response body is the same object.
import { UpstreamError } from '@rampart/spec';
import type { ChatResponse, TextPart, ToolCallPart } from '@rampart/spec';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { fromAnthropicStopReason } from './map-anthropic-stop-reason.js';

function malformed(provider: string, what: string): UpstreamError {
  return new UpstreamError('upstream_error', `${provider} returned a malformed message: ${what}`, {
    provider,
  });
}

/**
 * Decodes a Messages response object. Block types the canonical model cannot hold (thinking, server tool
 * results) are skipped: we never ask for them, and dropping them beats failing a paid-for answer.
 */
export function decodeAnthropicMessage(json: unknown, provider: string): ChatResponse {
  if (typeof json !== 'object' || json === null) throw malformed(provider, 'not an object');
  const m = json as Record<string, unknown>;
  if (!Array.isArray(m['content'])) throw malformed(provider, 'content is not an array');
  const content: Array<TextPart | ToolCallPart> = [];
  for (const raw of m['content'] as unknown[]) {
    if (typeof raw !== 'object' || raw === null) throw malformed(provider, 'content block is not an object');
    const block = raw as Record<string, unknown>;
    if (block['type'] === 'text') {
      if (typeof block['text'] !== 'string') throw malformed(provider, 'text block without text');
      content.push({ type: 'text', text: block['text'] });
    } else if (block['type'] === 'tool_use') {
      if (typeof block['id'] !== 'string' || typeof block['name'] !== 'string') {
        throw malformed(provider, 'tool_use block without id or name');
      }
      content.push({ type: 'tool_call', id: block['id'], name: block['name'], input: block['input'] ?? {} });
    }
  }
  const response: ChatResponse = {
    id: typeof m['id'] === 'string' ? m['id'] : '',
    model: typeof m['model'] === 'string' ? m['model'] : '',
    content,
    stopReason: fromAnthropicStopReason(m['stop_reason']),
    usage: convertAnthropicUsage(m['usage']),
  };
  if (typeof m['stop_sequence'] === 'string') response.stopSequence = m['stop_sequence'];
  return response;
}
