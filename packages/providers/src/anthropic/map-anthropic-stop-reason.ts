// Anthropic stop_reason ⇄ canonical StopReason. The vocabularies are nearly the same; the one rename is
// model_context_window_exceeded, and canonical content_filter (an OpenAI notion) is closest to a refusal.
import type { StopReason } from '@rampart/spec';

/** Anthropic's stop_reason values. */
export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

/** Canonical stop reason for an Anthropic one; unknown or missing values (a newer API) read as end_turn. */
export function fromAnthropicStopReason(reason: unknown): StopReason {
  switch (reason) {
    case 'end_turn':
    case 'max_tokens':
    case 'stop_sequence':
    case 'tool_use':
    case 'pause_turn':
    case 'refusal':
      return reason;
    case 'model_context_window_exceeded':
      return 'context_window_exceeded';
    default:
      return 'end_turn';
  }
}

/** Anthropic stop_reason for a canonical one. */
export function toAnthropicStopReason(reason: StopReason): AnthropicStopReason {
  switch (reason) {
    case 'context_window_exceeded':
      return 'model_context_window_exceeded';
    case 'content_filter':
      return 'refusal';
    default:
      return reason;
  }
}
