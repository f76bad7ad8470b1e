// finish_reason ⇄ canonical StopReason. OpenAI does not tell a stop-sequence hit from a natural stop, so
// both arrive as end_turn. Compatible servers add their own values; anything unknown is read as a normal
// stop rather than failing a response that otherwise completed.
import type { StopReason } from '@rampart/spec';

/** The canonical stop reason for a finish_reason; `sawToolCalls` decides when the server sent none. */
export function fromOpenAIFinishReason(reason: unknown, sawToolCalls: boolean): StopReason {
  switch (reason) {
    case 'stop':
      // Some compatible servers (older Ollama, vLLM with some parsers) say "stop" after emitting tool calls.
      return sawToolCalls ? 'tool_use' : 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'content_filter';
    default:
      return sawToolCalls ? 'tool_use' : 'end_turn';
  }
}

/** The finish_reason an OpenAI client understands for a canonical stop reason. */
export function toOpenAIFinishReason(
  reason: StopReason,
): 'stop' | 'length' | 'tool_calls' | 'content_filter' {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'content_filter':
    case 'refusal':
      return 'content_filter';
  }
}
