// The pipeline every model call goes through: log → auth → parse → validate → faults → capacity → reply →
// prompt cache → render → send. Provider endpoints supply only the wire-specific steps.
import type { TakeResult } from '../capacity/token-bucket.js';
import type { SimState } from '../core/sim-state.js';
import { sendResponse } from '../http/send-response.js';
import type { SimExchange } from '../http/sim-exchange.js';
import type { SimResponse } from '../http/sim-response.js';
import { redactHeaders, type RequestOutcome } from '../log/request-log.js';
import { planReply } from '../model/plan-reply.js';
import type { TurnEndpoint, TurnUsage } from './turn-types.js';

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (body.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/** Serve one model call. */
export async function runTurn(state: SimState, ex: SimExchange, endpoint: TurnEndpoint): Promise<void> {
  const { clock, log } = state;
  const { wire } = endpoint;
  const startedAt = clock.now();
  const parsed = parseJson(ex.body);
  const entry = log.start({
    provider: endpoint.provider,
    transport: ex.transport,
    method: ex.method,
    path: ex.rawPath,
    headers: redactHeaders(ex.headers),
    body: parsed.ok ? parsed.value : null,
    time: startedAt,
    requestId: endpoint.requestId,
  });
  const model = endpoint.modelHint(parsed.ok ? parsed.value : undefined);
  if (model !== undefined) entry.model = model;

  const finish = async (
    response: SimResponse,
    outcome: RequestOutcome,
    onHeaders?: () => void,
  ): Promise<void> => {
    response.headers = { ...wire.baseHeaders(), ...response.headers };
    log.finish(entry, response.status, outcome);
    await sendResponse(ex, response, { clock, ...(onHeaders ? { onHeaders } : {}) });
  };

  const auth = await endpoint.authenticate(ex);
  if (!auth.ok) return finish(auth.response, 'auth_error');
  if (!parsed.ok) return finish(wire.invalidJson(), 'invalid_request');
  const prepared = endpoint.prepare(parsed.value, ex);
  if (!prepared.ok) return finish(prepared.response, prepared.outcome);
  const { turn } = prepared;
  entry.stream = turn.stream;

  const faults = state.faults.choose({
    provider: endpoint.provider,
    modelIds: [turn.requestedModel, turn.model.id],
    path: decodeURIComponent(ex.rawPath),
  });
  entry.faults = faults.fired;
  if (faults.latencyMs > 0) await clock.sleep(faults.latencyMs);
  const terminal = faults.terminal;
  if (terminal?.type === 'reset') {
    log.finish(entry, undefined, 'fault:reset');
    ex.reset();
    return;
  }
  if (terminal?.type === 'status') return finish(wire.statusError(terminal), 'fault:status');
  if (terminal?.type === 'error-body-200') return finish(wire.errorBody200(terminal), 'fault:error-body-200');

  const bucket = state.capacity.get(endpoint.provider);
  let take: TakeResult | undefined;
  if (bucket) {
    take = bucket.take();
    if (!take.ok) return finish(wire.rateLimited(take, bucket.limit, turn.model.id), 'rate_limited');
  }

  const scripted = state.script.take(endpoint.provider, [turn.requestedModel, turn.model.id]);
  const reply = planReply(turn.input, scripted);
  const scope = `${endpoint.provider}\u0000${auth.account}\u0000${turn.model.id}`;
  const plan =
    endpoint.cacheMode === 'automatic'
      ? state.cache.planAutomatic(scope, turn.blocks, turn.model.minCacheTokens)
      : state.cache.planBreakpoints(scope, turn.blocks, turn.model.minCacheTokens);
  const override = reply.usageOverride ?? {};
  const usage: TurnUsage = {
    inputTokens: override.inputTokens ?? plan.usage.uncachedTokens,
    cacheReadTokens: override.cacheReadTokens ?? plan.usage.readTokens,
    cacheWrite5mTokens: override.cacheWriteTokens ?? plan.usage.write5mTokens,
    cacheWrite1hTokens: override.cacheWriteTokens !== undefined ? 0 : plan.usage.write1hTokens,
    outputTokens: reply.outputTokens,
  };

  const response = endpoint.render(turn, reply, usage, startedAt);
  response.headers = {
    ...wire.baseHeaders(),
    ...wire.rateLimitHeaders(take, bucket?.limit),
    ...response.headers,
  };
  // Logged before sending so a client that has read the whole answer also sees its outcome in the log.
  const expected: RequestOutcome =
    response.kind === 'stream' && faults.stream ? `fault:${faults.stream.type}` : 'ok';
  log.finish(entry, response.status, expected);
  const outcome = await sendResponse(ex, response, {
    clock,
    faults,
    wire,
    // The cache entry becomes readable once this response has begun, as with the real APIs.
    onHeaders: () => plan.commit(),
  });
  if (outcome !== expected) log.finish(entry, response.status, outcome);
}
