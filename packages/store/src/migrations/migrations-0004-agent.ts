// The agent runtime: threads, messages, durable runs and their event streams.
// - runs: UNIQUE (thread_id, idempotency_key) collapses concurrent posts of one message to one run, and a partial
//   unique index allows one active (queued/running) run per thread, so two different messages cannot race two
//   runs over the same history.
// - run_events: PK (run_id, seq) — the SSE stream is a plain ordered read, resumable from any seq.
import { sql, type Kysely } from 'kysely';
import type { Migration } from './migrations-types.js';

const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'];

/** Creates threads, messages, runs and run_events. */
export const migration0004Agent: Migration = {
  name: '0004-agent',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('threads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text')
      .addColumn('title', 'text')
      .addColumn('message_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('threads_user_idx')
      .on('threads')
      .columns(['user_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().check(sqlIn('role', ['user', 'assistant'])))
      .addColumn('content_json', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('messages_thread_seq_key', ['thread_id', 'seq'])
      .execute();
    await db.schema.createIndex('messages_run_idx').on('messages').column('run_id').execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', RUN_STATUSES)))
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('principal_json', 'text')
      .addColumn('checkpoint_json', 'text')
      .addColumn('checkpoint_version', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('worker_id', 'text')
      .addColumn('lease_expires_at', 'bigint')
      .addColumn('cancel_requested_at', 'bigint')
      .addColumn('claims', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('runs_thread_idempotency_key', ['thread_id', 'idempotency_key'])
      .execute();
    // Partial unique index: same syntax in SQLite and PostgreSQL.
    await sql`create unique index runs_one_active_per_thread on runs (thread_id) where status in ('queued', 'running')`.execute(
      db,
    );
    // The recovery sweep looks for expired leases and forgotten queued runs.
    await db.schema
      .createIndex('runs_status_lease_idx')
      .on('runs')
      .columns(['status', 'lease_expires_at'])
      .execute();

    await db.schema
      .createTable('run_events')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('body_json', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_events_pk', ['run_id', 'seq'])
      .execute();
  },
};

// A CHECK constraint from fixed literals (never user input).
function sqlIn(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
