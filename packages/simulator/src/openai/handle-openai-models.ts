// GET /v1/models and /v1/models/{id} in OpenAI's format.
import type { SimState } from '../core/sim-state.js';
import { sendResponse } from '../http/send-response.js';
import type { SimExchange } from '../http/sim-exchange.js';
import { jsonResponse, type SimResponse } from '../http/sim-response.js';
import type { SimModel } from '../model/model-catalog.js';
import { authenticateOpenAI } from './authenticate-openai.js';
import { openaiError } from './openai-errors.js';

function modelObject(m: SimModel): Record<string, unknown> {
  return { id: m.id, object: 'model', created: m.created, owned_by: 'system' };
}

function modelsResponse(state: SimState, ex: SimExchange, modelId: string | undefined): SimResponse {
  const auth = authenticateOpenAI(ex.headers);
  if (!auth.ok) return auth.response;
  if (modelId === undefined)
    return jsonResponse(200, { object: 'list', data: state.catalog.list('openai').map(modelObject) });
  const model = state.catalog.find('openai', modelId);
  if (model) return jsonResponse(200, modelObject(model));
  return openaiError(404, {
    message: `The model '${modelId}' does not exist`,
    param: 'model',
    code: 'model_not_found',
  });
}

/** Serve a models listing or lookup. */
export async function handleOpenAIModels(
  state: SimState,
  ex: SimExchange,
  modelId: string | undefined,
): Promise<void> {
  const response = modelsResponse(state, ex, modelId);
  response.headers['x-request-id'] = state.ids.openaiRequest();
  await sendResponse(ex, response, { clock: state.clock });
}
