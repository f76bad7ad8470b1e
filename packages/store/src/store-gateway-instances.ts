// Queries of `gateway_instances`: each gateway process registers and heartbeats, so another can tell that it
// died (its heartbeat lapsed) and reconcile the requests it left pending.
import type { Kysely, Selectable } from 'kysely';
import type { GatewayInstancesTable, StoreDatabase } from './store-schema.js';

/** A gateway process. */
export interface GatewayInstanceRecord {
  id: string;
  hostname: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
}

/** Queries of gateway_instances. */
export interface GatewayInstanceQueries {
  register(instance: GatewayInstanceRecord): Promise<void>;
  /** Records a heartbeat; false when the row is gone (another instance declared this one dead). */
  heartbeat(id: string, now: number): Promise<boolean>;
  get(id: string): Promise<GatewayInstanceRecord | undefined>;
  /** Instances whose last heartbeat is older than `before`. */
  listLapsed(before: number): Promise<GatewayInstanceRecord[]>;
  /** All known instance ids. */
  listIds(): Promise<string[]>;
  remove(id: string): Promise<void>;
}

function toRecord(row: Selectable<GatewayInstancesTable>): GatewayInstanceRecord {
  return {
    id: row.id,
    hostname: row.hostname,
    pid: Number(row.pid),
    startedAt: Number(row.started_at),
    heartbeatAt: Number(row.heartbeat_at),
  };
}

/** Binds the gateway_instances queries to a database. */
export function gatewayInstanceQueries(db: Kysely<StoreDatabase>): GatewayInstanceQueries {
  return {
    async register(i) {
      await db
        .insertInto('gateway_instances')
        .values({
          id: i.id,
          hostname: i.hostname,
          pid: i.pid,
          started_at: i.startedAt,
          heartbeat_at: i.heartbeatAt,
        })
        .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: i.heartbeatAt }))
        .execute();
    },
    async heartbeat(id, now) {
      const result = await db
        .updateTable('gateway_instances')
        .set({ heartbeat_at: now })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async get(id) {
      const row = await db
        .selectFrom('gateway_instances')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
    async listLapsed(before) {
      const rows = await db
        .selectFrom('gateway_instances')
        .selectAll()
        .where('heartbeat_at', '<', before)
        .execute();
      return rows.map(toRecord);
    },
    async listIds() {
      const rows = await db.selectFrom('gateway_instances').select('id').execute();
      return rows.map((r) => r.id);
    },
    async remove(id) {
      await db.deleteFrom('gateway_instances').where('id', '=', id).execute();
    },
  };
}
