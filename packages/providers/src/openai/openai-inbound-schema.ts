// The schema of `POST /v1/chat/completions` as Rampart accepts it. Objects are loose (zod's default strips
// unknown keys): OpenAI keeps adding fields and a client sending one we do not use must still work.
// Content-part and role unions are discriminated so a bad element is reported at its own path.
import { z } from 'zod';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.string().optional() }),
});
// Known part types we cannot carry are accepted here and rejected as unsupported_content by the decoder,
// which can then say why instead of "invalid discriminator".
const unsupportedPart = z.object({ type: z.enum(['input_audio', 'file', 'refusal']) });

const userContent = z.union([
  z.string(),
  z.array(z.discriminatedUnion('type', [textPart, imagePart, unsupportedPart])),
]);
const textContent = z.union([z.string(), z.array(textPart)]);

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textContent }),
  z.object({ role: z.literal('developer'), content: textContent }),
  z.object({ role: z.literal('user'), content: userContent }),
  z.object({
    role: z.literal('assistant'),
    content: z
      .union([
        z.string(),
        z.array(
          z.discriminatedUnion('type', [
            textPart,
            z.object({ type: z.literal('refusal'), refusal: z.string() }),
          ]),
        ),
      ])
      .nullish(),
    tool_calls: z.array(toolCall).nullish(),
    refusal: z.string().nullish(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: textContent }),
]);

const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);

/** The Chat Completions request body Rampart accepts. */
export const openAIInboundRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  n: z.number().int().positive().nullish(),
  user: z.string().nullish(),
});

/** A validated inbound request body. */
export type OpenAIInboundRequest = z.infer<typeof openAIInboundRequestSchema>;
/** One validated inbound message. */
export type OpenAIInboundMessage = OpenAIInboundRequest['messages'][number];
