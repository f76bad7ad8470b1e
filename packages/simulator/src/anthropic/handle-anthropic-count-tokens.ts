// POST /v1/messages/count_tokens: the prompt's size under the simulator's token rule.
import type { SimState } from '../core/sim-state.js';
import { sendResponse } from '../http/send-response.js';
import type { SimExchange } from '../http/sim-exchange.js';
import { jsonResponse, type SimResponse } from '../http/sim-response.js';
import { totalTokens } from '../prompt/prompt-block.js';
import { anthropicError } from './anthropic-errors.js';
import { anthropicPromptBlocks } from './anthropic-prompt.js';
import type { AnthropicRequestBody } from './anthropic-request.js';
import { authenticateAnthropic } from './authenticate-anthropic.js';
import { anthropicBodyProblem } from './validate-anthropic-request.js';

function countTokensResponse(state: SimState, ex: SimExchange, requestId: string): SimResponse {
  const auth = authenticateAnthropic(ex.headers, requestId);
  if (!auth.ok) return auth.response;
  let json: unknown;
  try {
    json = JSON.parse(ex.body.toString('utf8'));
  } catch {
    return anthropicError(
      requestId,
      400,
      'There was an error parsing the body of your request. Please ensure the body is valid JSON.',
    );
  }
  // count_tokens takes the Messages body without max_tokens.
  const body = { max_tokens: 1, ...(json as object) };
  const problem = anthropicBodyProblem(body, { kind: 'anthropic', version: auth.version });
  if (problem) return anthropicError(requestId, 400, problem);
  const requested = (body as AnthropicRequestBody).model ?? '';
  if (!state.catalog.find('anthropic', requested))
    return anthropicError(requestId, 404, `model: ${requested}`);
  return jsonResponse(
    200,
    { input_tokens: totalTokens(anthropicPromptBlocks(body as AnthropicRequestBody)) },
    { 'request-id': requestId },
  );
}

/** Serve one count_tokens call (not logged as a model call, and not subject to faults). */
export async function handleAnthropicCountTokens(state: SimState, ex: SimExchange): Promise<void> {
  await sendResponse(ex, countTokensResponse(state, ex, state.ids.anthropicRequest()), {
    clock: state.clock,
  });
}
