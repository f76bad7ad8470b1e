// Opens the store named by a URL, applies pending migrations, and hands out the per-table queries.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type * as Pg from 'pg';
import { createRequire } from 'node:module';
import { MIGRATIONS } from './migrations/migrations-list.js';
import { runMigrations } from './migrations/migrations-run.js';
import { StoreError } from './store-errors.js';
import { SqliteLedgerThread } from './sqlite-ledger-thread.js';
import type { StoreDatabase } from './store-schema.js';
import { sandboxManagerQueries, type SandboxManagerQueries } from './store-sandbox-managers.js';
import { sandboxProcessQueries, type SandboxProcessQueries } from './store-sandbox-processes.js';
import { sandboxQueries, type SandboxQueries } from './store-sandboxes.js';
import { credentialQueries, type CredentialQueries } from './store-credentials.js';
import { teamQueries, type TeamQueries } from './store-teams.js';
import { userQueries, type UserQueries } from './store-users.js';
import { virtualKeyQueries, type VirtualKeyQueries } from './store-virtual-keys.js';
import { messageQueries, type MessageQueries } from './store-messages.js';
import { runEventQueries, type RunEventQueries } from './store-run-events.js';
import { runQueries, type RunQueries } from './store-runs.js';
import { threadQueries, type ThreadQueries } from './store-threads.js';
import { gatewayInstanceQueries, type GatewayInstanceQueries } from './store-gateway-instances.js';
import { pendingUsageQueries, type PendingUsageQueries } from './store-pending-usage.js';
import { usageRecordQueries, type UsageRecordQueries } from './store-usage-records.js';
import { webhookOutboxQueries, type WebhookOutboxQueries } from './store-webhook-outbox.js';
import { parseStoreUrl, type StoreTarget } from './store-url.js';

/** Options of openStore. */
export interface OpenStoreOptions {
  /** A file path or `sqlite:` URL (embedded), or `postgres://…[?schema=name]` (scale-out). */
  url: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** SQLite: how long a writer waits for another process's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
}

/** An open store: the Kysely instance and the queries of each table. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<StoreDatabase>;
  readonly sandboxes: SandboxQueries;
  readonly sandboxManagers: SandboxManagerQueries;
  readonly sandboxProcesses: SandboxProcessQueries;
  readonly teams: TeamQueries;
  readonly users: UserQueries;
  readonly credentials: CredentialQueries;
  readonly virtualKeys: VirtualKeyQueries;
  readonly threads: ThreadQueries;
  readonly messages: MessageQueries;
  readonly runs: RunQueries;
  readonly runEvents: RunEventQueries;
  readonly usageRecords: UsageRecordQueries;
  readonly pendingUsage: PendingUsageQueries;
  readonly gatewayInstances: GatewayInstanceQueries;
  readonly webhookOutbox: WebhookOutboxQueries;
  /**
   * Where a gateway keeps its pending rows as journal files instead of pending_usage (pending-journal.ts): set for
   * a SQLite database file, undefined for PostgreSQL (replicas on other machines) and in-memory SQLite.
   */
  readonly pendingJournalDir: string | undefined;
  /** Names of the migrations this open applied (empty when the schema was already current). */
  readonly appliedMigrations: readonly string[];
  close(): Promise<void>;
}

/** Opens (and migrates) the store at options.url. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const target = parseStoreUrl(options.url);
  const db = createKysely(target, options);
  // A database file's ledger commits run on a thread of their own; an in-memory database has no other connection.
  const ledgerThread =
    target.dialect === 'sqlite' && target.file !== ':memory:'
      ? new SqliteLedgerThread(target.file, options.busyTimeoutMs ?? 5000)
      : undefined;
  try {
    const applied = await runMigrations(db as Kysely<unknown>, target.dialect, MIGRATIONS, {
      schema: target.dialect === 'postgres' ? target.schema : undefined,
    });
    return {
      dialect: target.dialect,
      db,
      sandboxes: sandboxQueries(db),
      sandboxManagers: sandboxManagerQueries(db),
      sandboxProcesses: sandboxProcessQueries(db),
      teams: teamQueries(db),
      users: userQueries(db),
      credentials: credentialQueries(db),
      virtualKeys: virtualKeyQueries(db),
      threads: threadQueries(db),
      messages: messageQueries(db),
      runs: runQueries(db),
      runEvents: runEventQueries(db, target.dialect),
      usageRecords: usageRecordQueries(db, ledgerThread ?? rawSqlite.get(db)),
      pendingUsage: pendingUsageQueries(db),
      gatewayInstances: gatewayInstanceQueries(db),
      webhookOutbox: webhookOutboxQueries(db, target.dialect),
      pendingJournalDir: ledgerThread && target.dialect === 'sqlite' ? `${target.file}-pending` : undefined,
      appliedMigrations: applied,
      close: async () => {
        await ledgerThread?.close();
        await db.destroy();
      },
    };
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof StoreError) throw error;
    throw new StoreError(
      'store_open_failed',
      `cannot open the ${target.dialect} store: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

// pg (CommonJS: require() gives the module `import` would) loads only for a Postgres URL; a SQLite store
// never pays its ~3 MB resident.
const require = createRequire(import.meta.url);

/** The better-sqlite3 handle behind a SQLite store, for the ledger's synchronous group commit. */
const rawSqlite = new WeakMap<Kysely<StoreDatabase>, Database.Database>();

function createKysely(target: StoreTarget, options: OpenStoreOptions): Kysely<StoreDatabase> {
  if (target.dialect === 'postgres') {
    const pg = require('pg') as typeof Pg;
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: options.poolSize ?? 10,
      // search_path per connection: every unqualified table name resolves in the chosen schema.
      ...(target.schema === undefined ? {} : { options: `-c search_path=${target.schema}` }),
    });
    return new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  }
  let database: Database.Database;
  try {
    if (target.file !== ':memory:') mkdirSync(dirname(target.file), { recursive: true });
    database = new Database(target.file, { timeout: options.busyTimeoutMs ?? 5000 });
    // WAL lets readers in other processes proceed while one writes.
    if (target.file !== ':memory:') database.pragma('journal_mode = WAL');
    // In WAL mode NORMAL never corrupts the database; it may lose the last commits on power loss, not on a crash,
    // and saves an fsync per commit (writes sit on the sandbox hot path).
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    cachePreparedStatements(database);
  } catch (error) {
    throw new StoreError('store_open_failed', `cannot open SQLite file ${target.file}`, { cause: error });
  }
  const kysely = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database }) });
  rawSqlite.set(kysely, database);
  return kysely;
}

/** Most distinct SQL texts whose prepared statements are kept (Kysely emits one text per query shape). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing (parsing and planning the SQL) costs as much as
 * running a small indexed query, on the one thread that also serves HTTP. Statements are reusable: keep the
 * recent ones by SQL text (least recently used dropped). Safe because every query runs to completion
 * synchronously (`all`/`run`); nothing here streams with `iterate`, which would hold a statement busy.
 */
function cachePreparedStatements(database: Database.Database): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, Database.Statement>();
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement !== undefined) {
      cache.delete(source);
    } else {
      statement = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof database.prepare;
}
