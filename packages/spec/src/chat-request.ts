// The canonical request every inbound format decodes into and every provider encodes from.
// Shaped after the richest wire (Anthropic blocks) so nothing a client sends is lost in translation.

/** Prompt-cache marker on a block: a breakpoint ends the cached prefix after this block. */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

/** Plain text. */
export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}

/** Where an image's bytes come from. */
export type ImageSource = { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string };

/** An image input. */
export interface ImagePart {
  type: 'image';
  source: ImageSource;
  cacheControl?: CacheControl;
}

/** A tool call the assistant made. `input` is the parsed JSON arguments. */
export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  input: unknown;
  cacheControl?: CacheControl;
}

/** The result of a tool call, sent back by the user side. */
export interface ToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
  cacheControl?: CacheControl;
}

/** What a user turn may hold. */
export type UserPart = TextPart | ImagePart | ToolResultPart;
/** What an assistant turn may hold. */
export type AssistantPart = TextPart | ToolCallPart;

/** One conversation turn. Tool results travel in user turns, as in Anthropic's wire. */
export type Message = { role: 'user'; content: UserPart[] } | { role: 'assistant'; content: AssistantPart[] };

/** A tool the model may call. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the tool's input object. */
  inputSchema: Record<string, unknown>;
  cacheControl?: CacheControl;
}

/** How the model may choose tools. */
export type ToolChoice =
  | { type: 'auto'; disableParallel?: boolean }
  | { type: 'any'; disableParallel?: boolean }
  | { type: 'none' }
  | { type: 'tool'; name: string; disableParallel?: boolean };

/** A chat request in Rampart's canonical form. */
export interface ChatRequest {
  model: string;
  system?: TextPart[];
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  stream: boolean;
  /** Opaque end-user id, forwarded where the upstream supports it. */
  user?: string;
}
