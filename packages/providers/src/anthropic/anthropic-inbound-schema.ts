// The Messages request a client may send us, as a zod schema. Objects strip unknown keys (clients replay
// response blocks carrying `citations: null` and future fields), except where a field we cannot honour
// would silently change behaviour; those are rejected by decode-anthropic-inbound-request.ts.
// JSON Schemas and tool inputs are z.record: parsing keeps the client's key order, which the prompt cache
// hashes.
import { z } from 'zod';

const cacheControl = z.object({
  type: z.literal('ephemeral'),
  ttl: z.enum(['5m', '1h']).optional(),
});

const textBlock = z.object({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl.nullish(),
});

const imageSource = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('base64'),
    media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    data: z.string(),
  }),
  z.object({ type: z.literal('url'), url: z.string() }),
]);

const imageBlock = z.object({
  type: z.literal('image'),
  source: imageSource,
  cache_control: cacheControl.nullish(),
});

const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl.nullish(),
});

const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl.nullish(),
});

const contentBlock = z.discriminatedUnion('type', [textBlock, imageBlock, toolUseBlock, toolResultBlock]);

const message = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlock)]),
});

const tool = z.object({
  // Server tools (web_search_…, bash_…) carry a versioned type; custom tools have none or "custom".
  type: z.literal('custom').optional(),
  name: z.string().min(1).max(128),
  description: z.string().optional(),
  input_schema: z
    .record(z.string(), z.unknown())
    .refine((schema) => schema['type'] === 'object', { message: "Input should be 'object'", path: ['type'] }),
  cache_control: cacheControl.nullish(),
});

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
]);

/** A Messages API request body as clients send it. */
export const anthropicInboundRequestSchema = z.object({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(message).min(1, 'at least one message is required'),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stream: z.boolean().optional(),
  metadata: z.object({ user_id: z.string().nullish() }).optional(),
});

/** The validated request. */
export type AnthropicInboundRequest = z.infer<typeof anthropicInboundRequestSchema>;
