// Queries of `pending_usage`: the write-ahead row of a request that is calling upstreams. Rows are inserted by
// the ledger's group commit (store-usage-records.ts) and removed with the record that replaces them; what is
// left behind by a dead gateway is read here and reconciled.
import type { Kysely, Selectable } from 'kysely';
import type { PendingUsageTable, StoreDatabase } from './store-schema.js';

/** A pending request, JSON columns kept as text (their shape belongs to the gateway). */
export interface PendingUsageRow {
  requestId: string;
  instanceId: string;
  principalJson: string;
  estimateJson: string;
  reservationsJson: string;
  startedAt: number;
}

/** Queries of pending_usage. */
export interface PendingUsageQueries {
  get(requestId: string): Promise<PendingUsageRow | undefined>;
  /** Pending rows of these gateway instances, oldest first, at most `limit`. */
  listByInstances(instanceIds: readonly string[], limit?: number): Promise<PendingUsageRow[]>;
  /** Instance ids that hold pending rows. */
  listInstances(): Promise<string[]>;
  count(): Promise<number>;
  /** Drops rows (a request that never reached an upstream leaves no record). */
  remove(requestIds: readonly string[]): Promise<void>;
}

/** Column values of a pending row. */
export function pendingColumns(row: PendingUsageRow) {
  return {
    request_id: row.requestId,
    instance_id: row.instanceId,
    principal_json: row.principalJson,
    estimate_json: row.estimateJson,
    reservations_json: row.reservationsJson,
    started_at: row.startedAt,
  };
}

function toRow(row: Selectable<PendingUsageTable>): PendingUsageRow {
  return {
    requestId: row.request_id,
    instanceId: row.instance_id,
    principalJson: row.principal_json,
    estimateJson: row.estimate_json,
    reservationsJson: row.reservations_json,
    startedAt: Number(row.started_at),
  };
}

/** Binds the pending_usage queries to a database. */
export function pendingUsageQueries(db: Kysely<StoreDatabase>): PendingUsageQueries {
  return {
    async get(requestId) {
      const row = await db
        .selectFrom('pending_usage')
        .selectAll()
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      return row === undefined ? undefined : toRow(row);
    },
    async listByInstances(instanceIds, limit = 500) {
      if (instanceIds.length === 0) return [];
      const rows = await db
        .selectFrom('pending_usage')
        .selectAll()
        .where('instance_id', 'in', [...instanceIds])
        .orderBy('started_at')
        .limit(limit)
        .execute();
      return rows.map(toRow);
    },
    async listInstances() {
      const rows = await db.selectFrom('pending_usage').select('instance_id').distinct().execute();
      return rows.map((r) => r.instance_id);
    },
    async count() {
      const row = await db
        .selectFrom('pending_usage')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async remove(requestIds) {
      if (requestIds.length === 0) return;
      await db
        .deleteFrom('pending_usage')
        .where('request_id', 'in', [...requestIds])
        .execute();
    },
  };
}
