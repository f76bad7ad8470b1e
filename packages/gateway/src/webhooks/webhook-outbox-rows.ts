// The outbox rows one usage record causes: one per endpoint subscribed to `usage.recorded`. The row id is the
// delivery's idempotency key (`webhook-id`), the same on every retry; the payload follows the Standard Webhooks
// shape `{ type, timestamp, data }`.
import type { UsageRecord, WebhookOutboxInsert } from '@rampart/store';
import type { WebhookEndpointConfig } from './webhook-config-schema.js';

/** A usage record as webhook receivers and the usage API see it (snake_case, cost as an exact string). */
export function usageRecordJson(record: UsageRecord): Record<string, unknown> {
  return {
    request_id: record.requestId,
    team_id: record.teamId,
    user_id: record.userId,
    key_id: record.keyId,
    thread_id: record.threadId,
    endpoint: record.endpoint,
    requested_model: record.requestedModel,
    provider: record.provider,
    model: record.model,
    status: record.status,
    http_status: record.httpStatus,
    error_code: record.errorCode,
    input_tokens: record.inputTokens,
    output_tokens: record.outputTokens,
    cache_read_tokens: record.cacheReadTokens,
    cache_write_tokens: record.cacheWriteTokens,
    cache_write_5m_tokens: record.cacheWrite5mTokens,
    cache_write_1h_tokens: record.cacheWrite1hTokens,
    reasoning_tokens: record.reasoningTokens,
    estimated: record.estimated,
    cost_nanos: record.costNanos.toString(),
    latency_ms: record.latencyMs,
    ttft_ms: record.ttftMs,
    attempts: record.attempts,
    started_at: new Date(record.startedAt).toISOString(),
  };
}

/** Outbox rows announcing `record` to every subscribed endpoint. */
export function usageWebhookRows(
  endpoints: readonly WebhookEndpointConfig[],
  record: UsageRecord,
  now: number,
): WebhookOutboxInsert[] {
  const rows: WebhookOutboxInsert[] = [];
  endpoints.forEach((endpoint, index) => {
    if (!endpoint.events.includes('usage.recorded')) return;
    rows.push({
      id: `msg_${record.requestId}_${index}`,
      endpoint: endpoint.url,
      event: 'usage.recorded',
      payloadJson: JSON.stringify({
        type: 'usage.recorded',
        timestamp: new Date(now).toISOString(),
        data: usageRecordJson(record),
      }),
      createdAt: now,
      nextAttemptAt: now,
    });
  });
  return rows;
}
