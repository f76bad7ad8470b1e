// The chat.completion object and its chat.completion.chunk stream, from a planned reply.
import { splitJsonFragments, splitTextDeltas } from '../model/split-stream-text.js';
import type { Reply } from '../model/plan-reply.js';
import type { SimStopReason } from '../script/scripted-response.js';
import type { TurnUsage } from '../turn/turn-types.js';

/** Ids and names for one rendered completion. */
export interface OpenAIRenderIds {
  completionId: string;
  model: string;
  created: number;
  fingerprint: string;
  toolCallId: () => string;
}

const FINISH: Record<SimStopReason, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
};

/** Usage as Chat Completions reports it: prompt_tokens includes cached tokens. */
export function openaiUsage(usage: TurnUsage): Record<string, unknown> {
  const prompt =
    usage.inputTokens + usage.cacheReadTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function toolCalls(
  reply: Reply,
  ids: OpenAIRenderIds,
): Array<{ id: string; name: string; arguments: string }> {
  return reply.blocks.flatMap((b) =>
    b.type === 'tool_use'
      ? [{ id: b.id ?? ids.toolCallId(), name: b.name, arguments: JSON.stringify(b.input) }]
      : [],
  );
}

function replyText(reply: Reply): string | null {
  const texts = reply.blocks.flatMap((b) => (b.type === 'text' ? [b.text] : []));
  return texts.length > 0 ? texts.join('') : null;
}

/** The non-streaming completion. */
export function renderOpenAICompletion(
  reply: Reply,
  usage: TurnUsage,
  ids: OpenAIRenderIds,
): Record<string, unknown> {
  const calls = toolCalls(reply, ids);
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: replyText(reply),
    refusal: null,
    annotations: [],
  };
  if (calls.length > 0) {
    message.tool_calls = calls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  return {
    id: ids.completionId,
    object: 'chat.completion',
    created: ids.created,
    model: ids.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: FINISH[reply.stopReason] }],
    usage: openaiUsage(usage),
    service_tier: 'default',
    system_fingerprint: ids.fingerprint,
  };
}

/** The streamed chunks (JSON objects), without the `[DONE]` terminator. */
export function openaiCompletionChunks(
  reply: Reply,
  usage: TurnUsage,
  ids: OpenAIRenderIds,
  includeUsage: boolean,
): Array<Record<string, unknown>> {
  const chunks: Array<Record<string, unknown>> = [];
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): void => {
    chunks.push({
      id: ids.completionId,
      object: 'chat.completion.chunk',
      created: ids.created,
      model: ids.model,
      service_tier: 'default',
      system_fingerprint: ids.fingerprint,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
  };
  const text = replyText(reply);
  chunk({ role: 'assistant', content: text === null ? null : '', refusal: null });
  for (const piece of splitTextDeltas(text ?? '')) chunk({ content: piece });
  toolCalls(reply, ids).forEach((call, index) => {
    // Only a call's first delta carries its id and name; later argument fragments are keyed by index.
    chunk({
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
    });
    for (const fragment of splitJsonFragments(call.arguments))
      chunk({ tool_calls: [{ index, function: { arguments: fragment } }] });
  });
  chunk({}, FINISH[reply.stopReason]);
  if (includeUsage) {
    chunks.push({
      id: ids.completionId,
      object: 'chat.completion.chunk',
      created: ids.created,
      model: ids.model,
      service_tier: 'default',
      system_fingerprint: ids.fingerprint,
      choices: [],
      usage: openaiUsage(usage),
    });
  }
  return chunks;
}
