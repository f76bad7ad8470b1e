// The usage ledger and what keeps it exact through crashes: one usage record per request that reached an
// upstream, the pending row that stands for it while it runs, the gateway instances whose heartbeats say
// whose pending rows are orphans, and the webhook outbox written in the same transaction as the records.
import { sql, type Kysely } from 'kysely';
import type { Migration } from './migrations-types.js';

const STATUSES = ['ok', 'error', 'cut', 'client_gone', 'interrupted'];

/** Creates usage_records, pending_usage, gateway_instances and webhook_outbox. */
export const migration0003Ledger: Migration = {
  name: '0003-ledger',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('usage_records')
      .addColumn('request_id', 'text', (c) => c.primaryKey())
      // Null when auth is off: the request is still recorded, attributed to nobody.
      .addColumn('team_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('key_id', 'text')
      .addColumn('thread_id', 'text')
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('requested_model', 'text', (c) => c.notNull())
      .addColumn('provider', 'text')
      .addColumn('model', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', STATUSES)))
      .addColumn('http_status', 'integer')
      .addColumn('error_code', 'text')
      // Token counts stay null when no attempt reported that class: absent is not 0.
      .addColumn('input_tokens', 'bigint')
      .addColumn('output_tokens', 'bigint')
      .addColumn('cache_read_tokens', 'bigint')
      .addColumn('cache_write_tokens', 'bigint')
      .addColumn('cache_write_5m_tokens', 'bigint')
      .addColumn('cache_write_1h_tokens', 'bigint')
      .addColumn('reasoning_tokens', 'bigint')
      .addColumn('estimated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cost_nanos', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('latency_ms', 'integer', (c) => c.notNull())
      .addColumn('ttft_ms', 'integer')
      .addColumn('attempts_json', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .execute();
    for (const column of ['user_id', 'team_id', 'key_id'] as const) {
      await db.schema
        .createIndex(`usage_records_${column}_day_idx`)
        .on('usage_records')
        .columns([column, 'day'])
        .execute();
    }
    await db.schema.createIndex('usage_records_thread_idx').on('usage_records').column('thread_id').execute();
    await db.schema.createIndex('usage_records_day_idx').on('usage_records').column('day').execute();

    await db.schema
      .createTable('pending_usage')
      .addColumn('request_id', 'text', (c) => c.primaryKey())
      .addColumn('instance_id', 'text', (c) => c.notNull())
      .addColumn('principal_json', 'text', (c) => c.notNull())
      .addColumn('estimate_json', 'text', (c) => c.notNull())
      .addColumn('reservations_json', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('pending_usage_instance_idx')
      .on('pending_usage')
      .column('instance_id')
      .execute();

    await db.schema
      .createTable('gateway_instances')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('hostname', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('webhook_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('payload_json', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      // Null once delivered or given up: such rows are never claimed again.
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'bigint')
      .addColumn('delivered_at', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_outbox_due_idx')
      .on('webhook_outbox')
      .columns(['delivered_at', 'next_attempt_at'])
      .execute();
  },
};

// A CHECK constraint from fixed literals (never user input).
function sqlIn(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
