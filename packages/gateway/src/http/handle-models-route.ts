// GET /v1/models in whichever format the client speaks: Anthropic clients send anthropic-version. An authenticated
// key sees only the model names its scope allows.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropicInboundCodec, openaiInboundCodec } from '@rampart/providers';
import { toRampartError } from '@rampart/spec';
import type { ModelResolver } from '../routing/resolve-model.js';
import type { RequestAuthenticator } from '../tenancy/authenticate-request.js';
import type { TenancyRouteResolver } from '../tenancy/tenancy-route-resolver.js';
import { sendJson } from './send-json.js';

const CREATED = 1_735_689_600; // 2025-01-01: a fixed date, models here have no real creation time.

/** What the models route needs besides the catalog. */
export interface ModelsRouteDeps {
  auth: RequestAuthenticator;
  routes: TenancyRouteResolver;
}

/** Lists the model names this gateway serves (to this caller). */
export async function handleModelsRoute(
  resolver: ModelResolver,
  deps: ModelsRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const anthropic = req.headers['anthropic-version'] !== undefined;
  let principal;
  try {
    principal = await deps.auth.authenticate(req.headers, 'models');
  } catch (thrown) {
    const encoded = (anthropic ? anthropicInboundCodec : openaiInboundCodec).encodeError(
      toRampartError(thrown),
      requestId,
    );
    sendJson(res, encoded.status, encoded.body, { ...encoded.headers, 'x-request-id': requestId });
    return;
  }
  const names = resolver
    .aliases()
    .filter((name) => deps.routes.allowsModelName(name, principal))
    .sort();
  const headers = { 'x-request-id': requestId };
  if (anthropic) {
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
