import type { StopReason } from './chat-response.js';
import type { Usage } from './usage.js';

// The canonical stream: what every provider's stream decodes into and every inbound format encodes from.
// Content blocks are numbered by `index` in the order they start; a block's deltas follow its start and
// precede its end. A failure mid-stream is not an event: the iterator throws a RampartError.

/** The message began. Usage here is what the upstream knew at the start (Anthropic reports input here). */
export interface StartEvent {
  type: 'start';
  id: string;
  model: string;
  usage?: Usage;
}
/** A text block began. */
export interface TextStartEvent {
  type: 'text_start';
  index: number;
}
/** More text for a text block. */
export interface TextDeltaEvent {
  type: 'text_delta';
  index: number;
  text: string;
}
/** A tool-call block began; its id and name are known now, its arguments follow as JSON fragments. */
export interface ToolCallStartEvent {
  type: 'tool_call_start';
  index: number;
  id: string;
  name: string;
}
/** A fragment of a tool call's JSON arguments; fragments parse only once joined. */
export interface ToolCallDeltaEvent {
  type: 'tool_call_delta';
  index: number;
  json: string;
}
/** A block ended. */
export interface BlockEndEvent {
  type: 'block_end';
  index: number;
}
/** The message ended. `usage` is the whole call's usage, all partial reports merged. */
export interface FinishEvent {
  type: 'finish';
  stopReason: StopReason;
  stopSequence?: string;
  usage: Usage;
}

/** One canonical stream event. */
export type StreamEvent =
  | StartEvent
  | TextStartEvent
  | TextDeltaEvent
  | ToolCallStartEvent
  | ToolCallDeltaEvent
  | BlockEndEvent
  | FinishEvent;
