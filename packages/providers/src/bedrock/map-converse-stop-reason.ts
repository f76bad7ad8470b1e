// Converse stopReason → canonical stop reason. Two Converse reasons are failures, not endings: the model
// produced output Bedrock could not parse; the caller gets an UpstreamError a retry may cure.
import type { StopReason } from '@rampart/spec';

/** A Converse stop reason that means the answer is unusable. */
export const FAILED_CONVERSE_STOP_REASONS: ReadonlySet<string> = new Set([
  'malformed_model_output',
  'malformed_tool_use',
]);

/** Maps a Converse stop reason; an unknown one is treated as a normal end. */
export function mapConverseStopReason(reason: string | undefined): StopReason {
  switch (reason) {
    case 'tool_use':
      return 'tool_use';
    case 'max_tokens':
      return 'max_tokens';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    case 'model_context_window_exceeded':
      return 'context_window_exceeded';
    default:
      return 'end_turn';
  }
}
