// Canonical request → InvokeModel body: the Anthropic Messages body (shared encoder) without model and
// stream (they travel in the path), plus Bedrock's anthropic_version.
import { InvalidRequestError } from '@rampart/spec';
import type { ChatRequest } from '@rampart/spec';
import { encodeAnthropicMessagesBody } from '../anthropic/index.js';

/** The anthropic_version Bedrock requires in every InvokeModel body for Claude. */
export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';

// Bedrock validates the body strictly and rejects keys outside its documented Claude schema; model and
// stream travel in the path, and `metadata` (the end-user id) is not part of that schema.
const NOT_ON_BEDROCK = ['model', 'stream', 'metadata'] as const;

/** Bedrock's Claude takes base64 images only: fail here with a clear error rather than upstream with a 400. */
function rejectImageUrls(request: ChatRequest): void {
  request.messages.forEach((message, m) =>
    message.content.forEach((part, p) => {
      const images = part.type === 'image' ? [part] : part.type === 'tool_result' ? part.content : [];
      for (const image of images) {
        if (image.type === 'image' && image.source.kind === 'url') {
          throw new InvalidRequestError('Bedrock takes image bytes only, not image URLs', {
            code: 'unsupported_content',
            param: `messages[${m}].content[${p}]`,
          });
        }
      }
    }),
  );
}

/** Encodes an InvokeModel body; `bedrockModel` is the target's model id (it picks max_tokens' default). */
export function encodeBedrockInvokeBody(request: ChatRequest, bedrockModel: string): Record<string, unknown> {
  rejectImageUrls(request);
  const body = encodeAnthropicMessagesBody({ ...request, model: bedrockModel });
  for (const key of NOT_ON_BEDROCK) delete body[key];
  return { anthropic_version: BEDROCK_ANTHROPIC_VERSION, ...body };
}
