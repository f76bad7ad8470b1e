// GET /v1/models and /v1/models/{id} in Anthropic's format (chosen when an anthropic-version header is sent).
import type { SimState } from '../core/sim-state.js';
import { sendResponse } from '../http/send-response.js';
import type { SimExchange } from '../http/sim-exchange.js';
import { jsonResponse, type SimResponse } from '../http/sim-response.js';
import type { SimModel } from '../model/model-catalog.js';
import { anthropicError } from './anthropic-errors.js';
import { authenticateAnthropic } from './authenticate-anthropic.js';

function modelInfo(m: SimModel): Record<string, unknown> {
  return {
    type: 'model',
    id: m.id,
    display_name: m.displayName ?? m.id,
    created_at: new Date(m.created * 1000).toISOString(),
  };
}

function modelsResponse(
  state: SimState,
  ex: SimExchange,
  modelId: string | undefined,
  requestId: string,
): SimResponse {
  const auth = authenticateAnthropic(ex.headers, requestId);
  if (!auth.ok) return auth.response;
  const headers = { 'request-id': requestId };
  if (modelId !== undefined) {
    const model = state.catalog.find('anthropic', modelId);
    return model
      ? jsonResponse(200, modelInfo(model), headers)
      : anthropicError(requestId, 404, `model: ${modelId}`);
  }
  const all = state.catalog.list('anthropic').sort((a, b) => b.created - a.created);
  const limit = Math.min(1000, Math.max(1, Number(ex.query.get('limit') ?? 20) || 20));
  const after = ex.query.get('after_id');
  const before = ex.query.get('before_id');
  let start = 0;
  let end = all.length;
  if (after) start = all.findIndex((m) => m.id === after) + 1;
  if (before)
    end = Math.max(
      0,
      all.findIndex((m) => m.id === before),
    );
  let page = all.slice(start, end);
  const hasMore = page.length > limit;
  page = before ? page.slice(-limit) : page.slice(0, limit);
  return jsonResponse(
    200,
    {
      data: page.map(modelInfo),
      has_more: hasMore,
      first_id: page[0]?.id ?? null,
      last_id: page[page.length - 1]?.id ?? null,
    },
    headers,
  );
}

/** Serve a models listing or lookup. */
export async function handleAnthropicModels(
  state: SimState,
  ex: SimExchange,
  modelId: string | undefined,
): Promise<void> {
  await sendResponse(ex, modelsResponse(state, ex, modelId, state.ids.anthropicRequest()), {
    clock: state.clock,
  });
}
