// POST /v1/chat/completions: OpenAI Chat Completions.
import type { SimState } from '../core/sim-state.js';
import type { SimExchange } from '../http/sim-exchange.js';
import { jsonResponse } from '../http/sim-response.js';
import { runTurn } from '../turn/run-turn.js';
import type { TurnEndpoint } from '../turn/turn-types.js';
import { authenticateOpenAI } from './authenticate-openai.js';
import { openaiError, openaiWire } from './openai-errors.js';
import { openaiPromptBlocks, openaiTurnInput } from './openai-prompt.js';
import type { OpenAIChatRequest } from './openai-request.js';
import { openaiCompletionChunks, renderOpenAICompletion } from './render-openai-completion.js';
import { openaiBodyProblem, openaiModelProblem } from './validate-openai-request.js';

/** Serve one chat completion. */
export async function handleOpenAIChat(state: SimState, ex: SimExchange): Promise<void> {
  const requestId = state.ids.openaiRequest();
  let includeUsage = false;
  const endpoint: TurnEndpoint = {
    provider: 'openai',
    requestId,
    wire: openaiWire(requestId),
    cacheMode: 'automatic',
    modelHint: (json) =>
      typeof (json as { model?: unknown })?.model === 'string'
        ? (json as { model: string }).model
        : undefined,
    authenticate: (exchange) => authenticateOpenAI(exchange.headers),
    prepare: (json) => {
      const problem = openaiBodyProblem(json);
      if (problem) return { ok: false, response: openaiError(400, problem), outcome: 'invalid_request' };
      const body = json as OpenAIChatRequest;
      const model = state.catalog.find('openai', body.model);
      if (!model) {
        return {
          ok: false,
          response: openaiError(404, {
            message: `The model \`${body.model}\` does not exist or you do not have access to it.`,
            code: 'model_not_found',
          }),
          outcome: 'not_found',
        };
      }
      const modelProblem = openaiModelProblem(body, model);
      if (modelProblem)
        return { ok: false, response: openaiError(400, modelProblem), outcome: 'invalid_request' };
      includeUsage = body.stream_options?.include_usage === true;
      return {
        ok: true,
        turn: {
          model,
          requestedModel: body.model,
          stream: body.stream === true,
          blocks: openaiPromptBlocks(body),
          input: openaiTurnInput(body),
        },
      };
    },
    render: (turn, reply, usage, startedAt) => {
      const ids = {
        completionId: state.ids.openaiCompletion(),
        model: turn.model.responseModel ?? turn.model.id,
        created: Math.floor(state.clock.now() / 1000),
        fingerprint: state.ids.openaiFingerprint(),
        toolCallId: state.ids.openaiToolCall,
      };
      const headers = { 'openai-processing-ms': String(Math.max(1, state.clock.now() - startedAt)) };
      if (!turn.stream) return jsonResponse(200, renderOpenAICompletion(reply, usage, ids), headers);
      const events = openaiCompletionChunks(reply, usage, ids, includeUsage).map(
        (c) => `data: ${JSON.stringify(c)}\n\n`,
      );
      events.push('data: [DONE]\n\n');
      return {
        kind: 'stream',
        status: 200,
        headers: {
          ...headers,
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
        },
        events,
      };
    },
  };
  await runTurn(state, ex, endpoint);
}
