// Queries of `sandbox_managers`: each manager instance registers with a lease it keeps renewing, and the endpoint
// where peers forward calls for the threads it owns. An expired lease means the instance is gone.
import type { Kysely, Selectable } from 'kysely';
import type { SandboxManagersTable, StoreDatabase } from './store-schema.js';

/** A registered manager instance. */
export interface SandboxManagerRecord {
  id: string;
  hostname: string;
  endpoint: string | null;
  pid: number;
  startedAt: number;
  leaseExpiresAt: number;
}

/** Queries of the sandbox_managers table. */
export interface SandboxManagerQueries {
  /** Inserts or replaces the instance's registration. */
  register(record: SandboxManagerRecord): Promise<void>;
  /** Extends the lease; false when the row is gone (another instance declared this one dead). */
  renew(id: string, leaseExpiresAt: number): Promise<boolean>;
  get(id: string): Promise<SandboxManagerRecord | undefined>;
  /** Instances whose lease expired before now. */
  listExpired(now: number): Promise<SandboxManagerRecord[]>;
  remove(id: string): Promise<void>;
}

function toRecord(row: Selectable<SandboxManagersTable>): SandboxManagerRecord {
  return {
    id: row.id,
    hostname: row.hostname,
    endpoint: row.endpoint,
    pid: row.pid,
    startedAt: Number(row.started_at),
    leaseExpiresAt: Number(row.lease_expires_at),
  };
}

/** Binds the sandbox_managers queries to a database. */
export function sandboxManagerQueries(db: Kysely<StoreDatabase>): SandboxManagerQueries {
  return {
    async register(r) {
      const values = {
        id: r.id,
        hostname: r.hostname,
        endpoint: r.endpoint,
        pid: r.pid,
        started_at: r.startedAt,
        lease_expires_at: r.leaseExpiresAt,
      };
      await db
        .insertInto('sandbox_managers')
        .values(values)
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
    },
    async renew(id, leaseExpiresAt) {
      const result = await db
        .updateTable('sandbox_managers')
        .set({ lease_expires_at: leaseExpiresAt })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async get(id) {
      const row = await db.selectFrom('sandbox_managers').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
    async listExpired(now) {
      const rows = await db
        .selectFrom('sandbox_managers')
        .selectAll()
        .where('lease_expires_at', '<', now)
        .execute();
      return rows.map(toRecord);
    },
    async remove(id) {
      await db.deleteFrom('sandbox_managers').where('id', '=', id).execute();
    },
  };
}
