// The sandbox lifecycle tables. Written with Kysely's schema builder so one migration serves both dialects.
import { sql, type Kysely } from 'kysely';
import type { Migration } from './migrations-types.js';

/** Creates sandboxes, sandbox_managers and sandbox_processes. */
export const migration0001Sandboxes: Migration = {
  name: '0001-sandboxes',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sandboxes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('thread_id', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sqlIn('state', ['off', 'starting', 'running', 'unhealthy', 'stopping'])),
      )
      .addColumn('owner', 'text')
      .addColumn('host', 'text')
      .addColumn('pid', 'integer')
      .addColumn('generation', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('work_dir', 'text')
      .addColumn('sandbox_id', 'text')
      .addColumn('lease_expires_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .addColumn('last_health_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('error', 'text')
      .execute();
    // Reconciliation looks rows up by owner and by expired lease.
    await db.schema.createIndex('sandboxes_owner_idx').on('sandboxes').column('owner').execute();
    await db.schema.createIndex('sandboxes_lease_idx').on('sandboxes').column('lease_expires_at').execute();

    await db.schema
      .createTable('sandbox_managers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('hostname', 'text', (c) => c.notNull())
      .addColumn('endpoint', 'text')
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_expires_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sandbox_processes')
      .addColumn('sandbox_id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('hostname', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('sandbox_processes_host_idx')
      .on('sandbox_processes')
      .column('hostname')
      .execute();
  },
};

// A CHECK constraint from fixed literals (never user input).
function sqlIn(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
