// The Converse / ConverseStream request body as the simulator reads it.

/** A cache checkpoint: caches the prefix up to the block before it. */
export interface ConverseCachePoint {
  type: 'default';
  ttl?: '5m' | '1h';
}

/** A content block: exactly one member is set. */
export interface ConverseBlock {
  text?: string;
  image?: { format: string; source: { bytes?: string; s3Location?: { uri: string } } };
  document?: { format: string; name: string; source: { bytes?: string; text?: string } };
  toolUse?: { toolUseId: string; name: string; input: unknown };
  toolResult?: {
    toolUseId: string;
    content: ConverseBlock[] & Array<{ json?: unknown }>;
    status?: 'success' | 'error';
  };
  cachePoint?: ConverseCachePoint;
  reasoningContent?: unknown;
  json?: unknown;
  [key: string]: unknown;
}

/** A conversation message. */
export interface ConverseMessage {
  role: 'user' | 'assistant';
  content: ConverseBlock[];
}

/** A tool entry: a spec, or a cache checkpoint after the tools so far. */
export interface ConverseTool {
  toolSpec?: { name: string; description?: string; inputSchema: { json: unknown } };
  cachePoint?: ConverseCachePoint;
}

/** The request body fields the simulator uses. */
export interface ConverseRequest {
  messages: ConverseMessage[];
  system?: Array<{ text?: string; cachePoint?: ConverseCachePoint; [key: string]: unknown }>;
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: {
    tools: ConverseTool[];
    toolChoice?: { auto?: object; any?: object; tool?: { name: string } };
  };
  [key: string]: unknown;
}
