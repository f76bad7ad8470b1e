// POST /model/{modelId}/invoke and /invoke-with-response-stream: Claude's Messages body on Bedrock.
import { anthropicPromptBlocks, anthropicTurnInput } from '../anthropic/anthropic-prompt.js';
import type { AnthropicRequestBody } from '../anthropic/anthropic-request.js';
import { anthropicStreamEvents, renderAnthropicMessage } from '../anthropic/render-anthropic-message.js';
import { anthropicBodyProblem, anthropicModelProblem } from '../anthropic/validate-anthropic-request.js';
import type { SimState } from '../core/sim-state.js';
import type { SimExchange } from '../http/sim-exchange.js';
import { jsonResponse } from '../http/sim-response.js';
import { runTurn } from '../turn/run-turn.js';
import type { TurnEndpoint, TurnUsage } from '../turn/turn-types.js';
import { authenticateBedrock } from './authenticate-bedrock.js';
import { bedrockError, bedrockWire } from './bedrock-errors.js';
import { encodeBedrockChunk } from './bedrock-event-stream.js';

/** The identifier Bedrock gives for unknown model ids (a 400, not a 404). */
export const BEDROCK_INVALID_MODEL_MESSAGE = 'The provided model identifier is invalid.';

function usageHeaders(usage: TurnUsage, latencyMs: number): Record<string, string> {
  return {
    'x-amzn-bedrock-invocation-latency': String(latencyMs),
    'x-amzn-bedrock-input-token-count': String(usage.inputTokens),
    'x-amzn-bedrock-output-token-count': String(usage.outputTokens),
    'x-amzn-bedrock-cache-read-input-token-count': String(usage.cacheReadTokens),
    'x-amzn-bedrock-cache-write-input-token-count': String(
      usage.cacheWrite5mTokens + usage.cacheWrite1hTokens,
    ),
  };
}

/** Serve one InvokeModel or InvokeModelWithResponseStream call for `modelId` (already URL-decoded). */
export async function handleBedrockInvoke(
  state: SimState,
  ex: SimExchange,
  modelId: string,
  stream: boolean,
): Promise<void> {
  const requestId = state.ids.amznRequest();
  const endpoint: TurnEndpoint = {
    provider: 'bedrock',
    requestId,
    wire: bedrockWire(requestId),
    cacheMode: 'breakpoints',
    modelHint: () => modelId,
    authenticate: (exchange) => authenticateBedrock(exchange, state.bedrockCredentials),
    prepare: (json) => {
      const problem = anthropicBodyProblem(json, { kind: 'bedrock', stream });
      if (problem) return { ok: false, response: bedrockError(400, problem), outcome: 'invalid_request' };
      const model = state.catalog.find('bedrock', modelId);
      if (!model)
        return {
          ok: false,
          response: bedrockError(400, BEDROCK_INVALID_MODEL_MESSAGE),
          outcome: 'not_found',
        };
      const body = json as AnthropicRequestBody;
      const modelProblem = anthropicModelProblem(body, model);
      if (modelProblem)
        return { ok: false, response: bedrockError(400, modelProblem), outcome: 'invalid_request' };
      return {
        ok: true,
        turn: {
          model,
          requestedModel: modelId,
          stream,
          blocks: anthropicPromptBlocks(body),
          input: anthropicTurnInput(body),
        },
      };
    },
    render: (turn, reply, usage, startedAt) => {
      const latency = Math.max(1, state.clock.now() - startedAt);
      const ids = {
        messageId: state.ids.anthropicMessage().replace(/^msg_/, 'msg_bdrk_'),
        model: turn.model.responseModel ?? turn.model.id,
        toolUseId: () => state.ids.anthropicToolUse().replace(/^toolu_/, 'toolu_bdrk_'),
      };
      if (!stream)
        return jsonResponse(200, renderAnthropicMessage(reply, usage, ids), usageHeaders(usage, latency));
      const events = anthropicStreamEvents(reply, usage, ids, false).map((e) => e.data);
      const last = events[events.length - 1];
      if (last) {
        last['amazon-bedrock-invocationMetrics'] = {
          inputTokenCount: usage.inputTokens,
          outputTokenCount: usage.outputTokens,
          invocationLatency: latency,
          firstByteLatency: latency,
          cacheReadInputTokenCount: usage.cacheReadTokens,
          cacheWriteInputTokenCount: usage.cacheWrite5mTokens + usage.cacheWrite1hTokens,
        };
      }
      return {
        kind: 'stream',
        status: 200,
        headers: {
          'content-type': 'application/vnd.amazon.eventstream',
          'x-amzn-bedrock-content-type': 'application/json',
        },
        events: events.map((e, i) => encodeBedrockChunk(e, i)),
      };
    },
  };
  await runTurn(state, ex, endpoint);
}
