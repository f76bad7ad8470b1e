// GET /v1/models in whichever format the client speaks: Anthropic clients send anthropic-version.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelResolver } from '../routing/resolve-model.js';
import { sendJson } from './send-json.js';

const CREATED = 1_735_689_600; // 2025-01-01: a fixed date, models here have no real creation time.

/** Lists the model names this gateway serves. */
export function handleModelsRoute(
  resolver: ModelResolver,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): void {
  const names = resolver.aliases().sort();
  const headers = { 'x-request-id': requestId };
  if (req.headers['anthropic-version'] !== undefined) {
    const data = names.map((id) => ({
      type: 'model',
      id,
      display_name: id,
      created_at: new Date(CREATED * 1000).toISOString(),
    }));
    sendJson(
      res,
      200,
      { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null },
      headers,
    );
    return;
  }
  const data = names.map((id) => ({
    id,
    object: 'model',
    created: CREATED,
    owned_by: resolver.resolve(id)[0]?.provider.name ?? 'rampart',
  }));
  sendJson(res, 200, { object: 'list', data }, headers);
}
