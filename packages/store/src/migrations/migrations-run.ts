// Applies pending migrations at open, safely when several processes open the same database at once:
// - PostgreSQL: one transaction holding a transaction-scoped advisory lock, so a second opener waits, then finds
//   everything applied. DDL is transactional there, so a failed migration leaves nothing half-done.
// - SQLite: BEGIN IMMEDIATE takes the write lock up front (a deferred transaction could deadlock upgrading from
//   read to write); the busy timeout makes the second opener wait for it.
import { sql, type Kysely } from 'kysely';
import { StoreError } from '../store-errors.js';
import type { Migration } from './migrations-types.js';

// Arbitrary but fixed: every Rampart process agrees on it. ("rampart" in ASCII, as a 64-bit key.)
const ADVISORY_LOCK_KEY = 0x72616d70617274n;

/** Applies the migrations not yet recorded in rampart_migrations; returns the names applied now. */
export async function runMigrations(
  db: Kysely<unknown>,
  dialect: 'sqlite' | 'postgres',
  migrations: readonly Migration[],
  options: { schema?: string | undefined; now?: () => number } = {},
): Promise<string[]> {
  const now = options.now ?? Date.now;
  const apply = async (trx: Kysely<unknown>): Promise<string[]> => {
    await trx.schema
      .createTable('rampart_migrations')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
    const rows = await sql<{ name: string }>`select name from rampart_migrations`.execute(trx);
    const done = new Set(rows.rows.map((r) => r.name));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      try {
        await migration.up(trx);
      } catch (error) {
        throw new StoreError('store_migration_failed', `migration ${migration.name} failed`, {
          cause: error,
        });
      }
      await sql`insert into rampart_migrations (name, applied_at) values (${migration.name}, ${now()})`.execute(
        trx,
      );
      applied.push(migration.name);
    }
    return applied;
  };

  if (dialect === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${ADVISORY_LOCK_KEY.toString()}::bigint)`.execute(trx);
      // Under the lock: concurrent CREATE SCHEMA IF NOT EXISTS can still collide on PostgreSQL's catalog.
      if (options.schema !== undefined)
        await sql`create schema if not exists ${sql.id(options.schema)}`.execute(trx);
      return apply(trx);
    });
  }
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const applied = await apply(conn);
      await sql`commit`.execute(conn);
      return applied;
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}
