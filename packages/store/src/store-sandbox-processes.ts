// Queries of `sandbox_processes`: the ledger of every sandbox process a manager started, warm ones included, written
// before the manager relies on it, so that after a kill -9 a successor on the same host knows which pids to reap.
import type { Kysely, Selectable } from 'kysely';
import type { SandboxProcessesTable, StoreDatabase } from './store-schema.js';

/** One sandbox process a manager started. */
export interface SandboxProcessRecord {
  sandboxId: string;
  owner: string;
  hostname: string;
  pid: number;
  startedAt: number;
}

/** Queries of the sandbox_processes table. */
export interface SandboxProcessQueries {
  record(record: SandboxProcessRecord): Promise<void>;
  remove(sandboxId: string): Promise<void>;
  /** Processes recorded on this hostname. */
  listOnHost(hostname: string): Promise<SandboxProcessRecord[]>;
}

function toRecord(row: Selectable<SandboxProcessesTable>): SandboxProcessRecord {
  return {
    sandboxId: row.sandbox_id,
    owner: row.owner,
    hostname: row.hostname,
    pid: row.pid,
    startedAt: Number(row.started_at),
  };
}

/** Binds the sandbox_processes queries to a database. */
export function sandboxProcessQueries(db: Kysely<StoreDatabase>): SandboxProcessQueries {
  return {
    async record(r) {
      const values = {
        sandbox_id: r.sandboxId,
        owner: r.owner,
        hostname: r.hostname,
        pid: r.pid,
        started_at: r.startedAt,
      };
      await db
        .insertInto('sandbox_processes')
        .values(values)
        .onConflict((oc) => oc.column('sandbox_id').doUpdateSet(values))
        .execute();
    },
    async remove(sandboxId) {
      await db.deleteFrom('sandbox_processes').where('sandbox_id', '=', sandboxId).execute();
    },
    async listOnHost(hostname) {
      const rows = await db
        .selectFrom('sandbox_processes')
        .selectAll()
        .where('hostname', '=', hostname)
        .execute();
      return rows.map(toRecord);
    },
  };
}
