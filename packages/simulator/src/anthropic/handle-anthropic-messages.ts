// POST /v1/messages: the Anthropic Messages API.
import type { SimState } from '../core/sim-state.js';
import type { SimExchange } from '../http/sim-exchange.js';
import { jsonResponse } from '../http/sim-response.js';
import { runTurn } from '../turn/run-turn.js';
import type { TurnEndpoint } from '../turn/turn-types.js';
import { anthropicError, anthropicWire } from './anthropic-errors.js';
import { anthropicPromptBlocks, anthropicTurnInput } from './anthropic-prompt.js';
import type { AnthropicRequestBody } from './anthropic-request.js';
import { authenticateAnthropic } from './authenticate-anthropic.js';
import {
  anthropicStreamEvents,
  encodeAnthropicSse,
  renderAnthropicMessage,
} from './render-anthropic-message.js';
import { anthropicBodyProblem, anthropicModelProblem } from './validate-anthropic-request.js';

/** Serve one Messages call. */
export async function handleAnthropicMessages(state: SimState, ex: SimExchange): Promise<void> {
  const requestId = state.ids.anthropicRequest();
  let version = '2023-06-01';
  const endpoint: TurnEndpoint = {
    provider: 'anthropic',
    requestId,
    wire: anthropicWire(requestId, () => state.clock.now()),
    cacheMode: 'breakpoints',
    modelHint: (json) =>
      typeof (json as { model?: unknown })?.model === 'string'
        ? (json as { model: string }).model
        : undefined,
    authenticate: (exchange) => {
      const auth = authenticateAnthropic(exchange.headers, requestId);
      if (auth.ok) version = auth.version;
      return auth;
    },
    prepare: (json) => {
      const problem = anthropicBodyProblem(json, { kind: 'anthropic', version });
      if (problem)
        return { ok: false, response: anthropicError(requestId, 400, problem), outcome: 'invalid_request' };
      const body = json as AnthropicRequestBody;
      const requestedModel = body.model ?? '';
      const model = state.catalog.find('anthropic', requestedModel);
      if (!model)
        return {
          ok: false,
          response: anthropicError(requestId, 404, `model: ${requestedModel}`),
          outcome: 'not_found',
        };
      const modelProblem = anthropicModelProblem(body, model);
      if (modelProblem)
        return {
          ok: false,
          response: anthropicError(requestId, 400, modelProblem),
          outcome: 'invalid_request',
        };
      return {
        ok: true,
        turn: {
          model,
          requestedModel,
          stream: body.stream === true,
          blocks: anthropicPromptBlocks(body),
          input: anthropicTurnInput(body),
        },
      };
    },
    render: (turn, reply, usage) => {
      const ids = {
        messageId: state.ids.anthropicMessage(),
        model: turn.model.responseModel ?? turn.model.id,
        toolUseId: state.ids.anthropicToolUse,
      };
      if (!turn.stream) return jsonResponse(200, renderAnthropicMessage(reply, usage, ids));
      return {
        kind: 'stream',
        status: 200,
        headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
        events: anthropicStreamEvents(reply, usage, ids, true).map(encodeAnthropicSse),
      };
    },
  };
  await runTurn(state, ex, endpoint);
}
