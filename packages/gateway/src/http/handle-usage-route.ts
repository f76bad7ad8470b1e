// Usage and cost from the ledger: `GET /admin/v1/usage` (admin token; any team, user, key) and `GET /v1/usage` (a
// virtual key; only its own user's usage, whatever filters it asks for). Both group by one dimension
// (`group_by=user|thread|key|team|model|day|status`) over a time range (`from`/`to`: a date, an ISO time or epoch ms;
// default the last 30 days) and filters (`team_id`, `user_id`, `key_id`, `thread_id`, `model`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidRequestError, RampartError, toRampartError } from '@rampart/spec';
import { openaiInboundCodec } from '@rampart/providers';
import type { Store, UsageFilter, UsageGroup, UsageGroupBy } from '@rampart/store';
import type { AdminExtraRoute } from '../admin/handle-admin-route.js';
import type { RequestAuthenticator } from '../tenancy/authenticate-request.js';
import { sendJson } from './send-json.js';

const GROUPS: readonly UsageGroupBy[] = ['user', 'thread', 'key', 'team', 'model', 'day', 'status'];
const DAY = 86_400_000;
const DEFAULT_RANGE_MS = 30 * DAY;

/** A parsed usage query. */
export interface UsageQuery {
  groupBy: UsageGroupBy;
  filter: UsageFilter & { from: number; to: number };
}

/** Reads a time bound: epoch ms, `YYYY-MM-DD` (UTC midnight) or an ISO time. */
function parseTime(value: string, param: string): number {
  const text = value.trim();
  const ms = /^\d{10,}$/.test(text)
    ? Number(text)
    : Date.parse(/^\d{4}-\d\d-\d\d$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms))
    throw new InvalidRequestError(`${param} must be a date, an ISO time or epoch ms`, { param });
  return ms;
}

/** Parses and validates the query string of a usage request. */
export function parseUsageQuery(params: URLSearchParams, now: number): UsageQuery {
  const groupBy = (params.get('group_by') ?? 'day') as UsageGroupBy;
  if (!GROUPS.includes(groupBy))
    throw new InvalidRequestError(`group_by must be one of ${GROUPS.join(', ')}`, { param: 'group_by' });
  const toText = params.get('to');
  const fromText = params.get('from');
  // A bare date as `to` means through the end of that day.
  const to =
    toText === null ? now + 1 : parseTime(toText, 'to') + (/^\d{4}-\d\d-\d\d$/.test(toText.trim()) ? DAY : 0);
  const from = fromText === null ? to - DEFAULT_RANGE_MS : parseTime(fromText, 'from');
  if (from >= to) throw new InvalidRequestError('from must be before to', { param: 'from' });
  const filter: UsageQuery['filter'] = { from, to };
  const text = (name: string) => {
    const value = params.get(name)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const teamId = text('team_id');
  const userId = text('user_id');
  const keyId = text('key_id');
  const threadId = text('thread_id');
  const model = text('model');
  if (teamId !== undefined) filter.teamId = teamId;
  if (userId !== undefined) filter.userId = userId;
  if (keyId !== undefined) filter.keyId = keyId;
  if (threadId !== undefined) filter.threadId = threadId;
  if (model !== undefined) filter.model = model;
  return { groupBy, filter };
}

/** Nano-USD as a decimal USD string, exact (`"0.000450000"`). */
export function nanosToUsd(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  return `${negative ? '-' : ''}${abs / 1_000_000_000n}.${String(abs % 1_000_000_000n).padStart(9, '0')}`;
}

function groupJson(group: UsageGroup) {
  return {
    group: group.group,
    requests: group.requests,
    input_tokens: group.inputTokens,
    output_tokens: group.outputTokens,
    cache_read_tokens: group.cacheReadTokens,
    cache_write_tokens: group.cacheWriteTokens,
    reasoning_tokens: group.reasoningTokens,
    cost_nanos: group.costNanos.toString(),
    cost_usd: nanosToUsd(group.costNanos),
  };
}

/** The JSON answer of a usage query. */
export async function usageAnswer(store: Store, query: UsageQuery): Promise<Record<string, unknown>> {
  const groups = await store.usageRecords.aggregate(query.groupBy, query.filter);
  const total = groups.reduce<UsageGroup>(
    (sum, g) => ({
      group: null,
      requests: sum.requests + g.requests,
      inputTokens: sum.inputTokens + g.inputTokens,
      outputTokens: sum.outputTokens + g.outputTokens,
      cacheReadTokens: sum.cacheReadTokens + g.cacheReadTokens,
      cacheWriteTokens: sum.cacheWriteTokens + g.cacheWriteTokens,
      reasoningTokens: sum.reasoningTokens + g.reasoningTokens,
      costNanos: sum.costNanos + g.costNanos,
    }),
    {
      group: null,
      requests: 0,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      costNanos: 0n,
    },
  );
  const { group: _group, ...totals } = groupJson(total);
  return {
    object: 'usage',
    group_by: query.groupBy,
    from: new Date(query.filter.from).toISOString(),
    to: new Date(query.filter.to).toISOString(),
    filters: {
      team_id: query.filter.teamId ?? null,
      user_id: query.filter.userId ?? null,
      key_id: query.filter.keyId ?? null,
      thread_id: query.filter.threadId ?? null,
      model: query.filter.model ?? null,
    },
    data: groups.map(groupJson),
    total: totals,
  };
}

/** `GET /admin/v1/usage`, mounted on the admin API (which has checked the admin token). */
export function adminUsageRoute(store: Store, now: () => number = Date.now): AdminExtraRoute {
  return async (_req, res, { requestId, url }) => {
    const headers = { 'x-request-id': requestId };
    try {
      sendJson(res, 200, await usageAnswer(store, parseUsageQuery(url.searchParams, now())), headers);
    } catch (thrown) {
      const error = toRampartError(thrown);
      const status = error.code === 'invalid_request' ? 400 : 500;
      sendJson(
        res,
        status,
        {
          error: {
            message: status === 500 ? `Internal error. Request id: ${requestId}.` : error.message,
            type: status === 400 ? 'invalid_request_error' : 'server_error',
            code: error.code,
            param: error.param ?? null,
          },
        },
        headers,
      );
    }
  };
}

/** `GET /v1/usage` for a virtual key: its own user's usage only. Errors in OpenAI's format. */
export async function handleKeyUsageRoute(
  deps: { auth: RequestAuthenticator; store: Store | undefined; now?: () => number },
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  req.resume();
  try {
    const principal = await deps.auth.authenticate(req.headers, 'usage');
    if (principal === undefined)
      throw new RampartError(
        'authentication_failed',
        'GET /v1/usage needs a virtual key (Authorization: Bearer rk_…).',
      );
    if (deps.store === undefined) throw new RampartError('not_found', 'This gateway keeps no usage ledger.');
    const query = parseUsageQuery(
      new URL(req.url ?? '/', 'http://gateway').searchParams,
      (deps.now ?? Date.now)(),
    );
    if (query.filter.userId !== undefined && query.filter.userId !== principal.userId)
      throw new RampartError('permission_denied', "A key can read only its own user's usage.", {
        param: 'user_id',
      });
    if (query.filter.teamId !== undefined && query.filter.teamId !== principal.teamId)
      throw new RampartError('permission_denied', "A key can read only its own user's usage.", {
        param: 'team_id',
      });
    query.filter.userId = principal.userId;
    query.filter.teamId = principal.teamId;
    sendJson(res, 200, await usageAnswer(deps.store, query), { 'x-request-id': requestId });
  } catch (thrown) {
    const encoded = openaiInboundCodec.encodeError(toRampartError(thrown), requestId);
    sendJson(res, encoded.status, encoded.body, encoded.headers);
  }
}
