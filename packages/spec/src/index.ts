export type {
  CacheControl,
  TextPart,
  ImageSource,
  ImagePart,
  ToolCallPart,
  ToolResultPart,
  UserPart,
  AssistantPart,
  Message,
  ToolDefinition,
  ToolChoice,
  ChatRequest,
} from './chat-request.js';
export type { StopReason, ChatResponse } from './chat-response.js';
export type {
  StartEvent,
  TextStartEvent,
  TextDeltaEvent,
  ToolCallStartEvent,
  ToolCallDeltaEvent,
  BlockEndEvent,
  FinishEvent,
  StreamEvent,
} from './stream-event.js';
export type { Usage } from './usage.js';
export { totalInputTokens, mergeUsage, addUsage } from './usage.js';
export { ERROR_CODES } from './error-codes.js';
export type { ErrorCode } from './error-codes.js';
export type { RampartErrorOptions, UpstreamErrorOptions } from './errors.js';
export {
  RampartError,
  InvalidRequestError,
  UpstreamError,
  toRampartError,
  errorCodeForStatus,
} from './errors.js';
