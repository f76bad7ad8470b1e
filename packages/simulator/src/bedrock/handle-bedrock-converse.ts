// POST /model/{modelId}/converse and /converse-stream.
import type { SimState } from '../core/sim-state.js';
import type { SimExchange } from '../http/sim-exchange.js';
import { jsonResponse } from '../http/sim-response.js';
import { runTurn } from '../turn/run-turn.js';
import type { TurnEndpoint } from '../turn/turn-types.js';
import { authenticateBedrock } from './authenticate-bedrock.js';
import { bedrockError, bedrockWire } from './bedrock-errors.js';
import { bedrockPadding, encodeBedrockEvent } from './bedrock-event-stream.js';
import { conversePromptBlocks, converseTurnInput, converseUsesCache } from './converse-prompt.js';
import type { ConverseRequest } from './converse-request.js';
import { BEDROCK_INVALID_MODEL_MESSAGE } from './handle-bedrock-invoke.js';
import { converseStreamEvents, renderConverse } from './render-converse.js';
import { converseBodyProblem } from './validate-converse-request.js';

/** Serve one Converse or ConverseStream call for `modelId` (already URL-decoded). */
export async function handleBedrockConverse(
  state: SimState,
  ex: SimExchange,
  modelId: string,
  stream: boolean,
): Promise<void> {
  const requestId = state.ids.amznRequest();
  let withCache = false;
  const endpoint: TurnEndpoint = {
    provider: 'bedrock',
    requestId,
    wire: bedrockWire(requestId),
    cacheMode: 'breakpoints',
    modelHint: () => modelId,
    authenticate: (exchange) => authenticateBedrock(exchange, state.bedrockCredentials),
    prepare: (json) => {
      const problem = converseBodyProblem(json);
      if (problem) return { ok: false, response: bedrockError(400, problem), outcome: 'invalid_request' };
      const model = state.catalog.find('bedrock', modelId);
      if (!model)
        return {
          ok: false,
          response: bedrockError(400, BEDROCK_INVALID_MODEL_MESSAGE),
          outcome: 'not_found',
        };
      const body = json as ConverseRequest;
      const maxTokens = body.inferenceConfig?.maxTokens;
      if (maxTokens !== undefined && maxTokens > model.maxOutputTokens) {
        const message = `The maximum tokens you requested exceeds the model limit of ${model.maxOutputTokens}. Try again with a maximum tokens value that is lower than ${model.maxOutputTokens}.`;
        return { ok: false, response: bedrockError(400, message), outcome: 'invalid_request' };
      }
      withCache = converseUsesCache(body);
      // Without maxTokens, Converse lets the model write up to its own limit.
      const input = converseTurnInput(body);
      return {
        ok: true,
        turn: { model, requestedModel: modelId, stream, blocks: conversePromptBlocks(body), input },
      };
    },
    render: (_turn, reply, usage, startedAt) => {
      const latency = Math.max(1, state.clock.now() - startedAt);
      if (!stream)
        return jsonResponse(200, renderConverse(reply, usage, latency, withCache, state.ids.bedrockToolUse));
      const events = converseStreamEvents(reply, usage, latency, withCache, state.ids.bedrockToolUse);
      return {
        kind: 'stream',
        status: 200,
        headers: { 'content-type': 'application/vnd.amazon.eventstream' },
        events: events.map(([type, payload], i) =>
          encodeBedrockEvent(type, { ...payload, p: bedrockPadding(i) }),
        ),
      };
    },
  };
  await runTurn(state, ex, endpoint);
}
