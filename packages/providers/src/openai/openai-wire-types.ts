// The OpenAI Chat Completions wire as this folder reads and writes it. Fields marked optional are ones real
// servers (OpenAI, vLLM, Ollama, other compatible ones) are seen to omit; we never trust them to be present.

/** A text content part. */
export interface OpenAITextPart {
  type: 'text';
  text: string;
}

/** An image content part; `url` is an http(s) URL or a `data:` URL. */
export interface OpenAIImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** A tool call as the assistant message carries it; `arguments` is a JSON string. */
export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One message of a Chat Completions request. */
export type OpenAIMessage =
  | { role: 'system' | 'developer'; content: string | OpenAITextPart[] }
  | { role: 'user'; content: string | Array<OpenAITextPart | OpenAIImagePart> }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** A function tool declaration. */
export interface OpenAITool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

/** How the model may pick tools. */
export type OpenAIToolChoice =
  'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

/** The request body we send. */
export interface OpenAIChatRequestBody {
  model: string;
  messages: OpenAIMessage[];
  tools?: OpenAITool[];
  tool_choice?: OpenAIToolChoice;
  parallel_tool_calls?: boolean;
  max_completion_tokens?: number;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop?: string[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  user?: string;
}

/** Token usage as OpenAI reports it: prompt_tokens INCLUDES cached_tokens (and cache_write_tokens). */
export interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

/** The error object inside `{"error": …}`. */
export interface OpenAIErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}
