// The Anthropic Messages request body as the simulator reads it (also Bedrock InvokeModel's body for Claude).

/** cache_control on a block. */
export interface AnthropicCacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

/** A content block in a message, system prompt or tool result (loosely typed: validated separately). */
export interface AnthropicBlock {
  type: string;
  text?: string;
  source?: { type: string; media_type?: string; data?: string; url?: string; file_id?: string };
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | AnthropicBlock[];
  is_error?: boolean;
  thinking?: string;
  cache_control?: AnthropicCacheControl;
  [key: string]: unknown;
}

/** A conversation message. */
export interface AnthropicMessageParam {
  role: 'user' | 'assistant';
  content: string | AnthropicBlock[];
}

/** A tool definition (custom tools carry input_schema; server tools carry a versioned type). */
export interface AnthropicTool {
  name: string;
  type?: string;
  description?: string;
  input_schema?: unknown;
  cache_control?: AnthropicCacheControl;
  [key: string]: unknown;
}

/** The request body fields the simulator uses. */
export interface AnthropicRequestBody {
  model?: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: string | AnthropicBlock[];
  tools?: AnthropicTool[];
  tool_choice?: {
    type: 'auto' | 'any' | 'tool' | 'none';
    name?: string;
    disable_parallel_tool_use?: boolean;
  };
  stop_sequences?: string[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  anthropic_version?: string;
  [key: string]: unknown;
}

/** Message content as blocks (a string is one text block). */
export function anthropicContentBlocks(content: string | AnthropicBlock[]): AnthropicBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}
