// A usage record as table columns, shared by the Kysely writes (both dialects) and the SQLite ledger thread's
// prepared statements (which load this module alone, not the query builder).
import type { UsageRecord } from './store-usage-records.js';

/** `YYYY-MM-DD` in UTC. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** A record's column values (both dialects). */
export function usageRecordColumns(r: UsageRecord) {
  return {
    request_id: r.requestId,
    team_id: r.teamId,
    user_id: r.userId,
    key_id: r.keyId,
    thread_id: r.threadId,
    endpoint: r.endpoint,
    requested_model: r.requestedModel,
    provider: r.provider,
    model: r.model,
    status: r.status,
    http_status: r.httpStatus,
    error_code: r.errorCode,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    cache_read_tokens: r.cacheReadTokens,
    cache_write_tokens: r.cacheWriteTokens,
    cache_write_5m_tokens: r.cacheWrite5mTokens,
    cache_write_1h_tokens: r.cacheWrite1hTokens,
    reasoning_tokens: r.reasoningTokens,
    estimated: r.estimated ? 1 : 0,
    // As text: exact in both dialects whatever its size.
    cost_nanos: r.costNanos.toString(),
    latency_ms: Math.round(r.latencyMs),
    ttft_ms: r.ttftMs === null ? null : Math.round(r.ttftMs),
    attempts_json: JSON.stringify(r.attempts ?? []),
    started_at: r.startedAt,
    day: utcDay(r.startedAt),
  };
}
