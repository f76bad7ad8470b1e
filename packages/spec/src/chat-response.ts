import type { TextPart, ToolCallPart } from './chat-request.js';
import type { Usage } from './usage.js';

/** Why the model stopped, in one vocabulary for every provider. */
export type StopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'content_filter'
  | 'refusal'
  | 'pause_turn'
  | 'context_window_exceeded';

/** A complete (non-streamed) model answer in canonical form. */
export interface ChatResponse {
  id: string;
  model: string;
  content: Array<TextPart | ToolCallPart>;
  stopReason: StopReason;
  stopSequence?: string;
  usage: Usage;
}
