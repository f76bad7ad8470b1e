// The ledger's group commit on SQLite as one synchronous better-sqlite3 transaction over prepared statements:
// no query building, no awaits, nothing else runs on the connection meanwhile. It runs on the ledger's own
// thread (sqlite-ledger-thread.ts) for a database file, on the caller's for an in-memory one.
import type Database from 'better-sqlite3';
import { pendingColumns } from './store-pending-usage.js';
import { usageRecordColumns } from './store-usage-columns.js';
import type { LedgerBatch } from './store-usage-records.js';
import { outboxColumns } from './store-webhook-outbox.js';

const RECORD_COLUMNS = [
  'request_id',
  'team_id',
  'user_id',
  'key_id',
  'thread_id',
  'endpoint',
  'requested_model',
  'provider',
  'model',
  'status',
  'http_status',
  'error_code',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_5m_tokens',
  'cache_write_1h_tokens',
  'reasoning_tokens',
  'estimated',
  'cost_nanos',
  'latency_ms',
  'ttft_ms',
  'attempts_json',
  'started_at',
  'day',
] as const;
const PENDING_COLUMNS = [
  'request_id',
  'instance_id',
  'principal_json',
  'estimate_json',
  'reservations_json',
  'started_at',
] as const;
const OUTBOX_COLUMNS = [
  'id',
  'endpoint',
  'event',
  'payload_json',
  'attempts',
  'next_attempt_at',
  'created_at',
] as const;

const insertSql = (table: string, columns: readonly string[], conflict: string) =>
  `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})${conflict}`;

/**
 * The commit function of a connection. Every request's record goes through it (and on an in-memory database its
 * pending row too, awaited before the first upstream call); Kysely's per-statement compile and async round trips
 * cost more than the writes.
 */
export function sqliteLedgerCommit(raw: Database.Database): (batch: LedgerBatch) => string[] {
  const pendingInsert = raw.prepare(
    insertSql('pending_usage', PENDING_COLUMNS, ' on conflict (request_id) do nothing'),
  );
  const recordInsert = raw.prepare(
    insertSql('usage_records', RECORD_COLUMNS, ' on conflict (request_id) do nothing'),
  );
  const outboxInsert = raw.prepare(insertSql('webhook_outbox', OUTBOX_COLUMNS, ''));
  const pendingDelete = raw.prepare('delete from pending_usage where request_id = ?');
  return raw.transaction((batch: LedgerBatch): string[] => {
    for (const row of batch.pending) {
      const c = pendingColumns(row);
      pendingInsert.run(PENDING_COLUMNS.map((name) => c[name]));
    }
    const inserted: string[] = [];
    for (const entry of batch.entries) {
      const row = usageRecordColumns(entry.record);
      const values = RECORD_COLUMNS.map((name) => row[name]);
      if (recordInsert.run(values).changes === 1) {
        inserted.push(entry.record.requestId);
        for (const outbox of entry.outbox) {
          const c = outboxColumns(outbox);
          outboxInsert.run(OUTBOX_COLUMNS.map((name) => c[name]));
        }
      }
      pendingDelete.run(entry.record.requestId);
    }
    return inserted;
  });
}
