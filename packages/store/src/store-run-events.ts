// Queries of `run_events`: each run's event stream, numbered from 1. Only the worker holding the run's lease
// appends, and every append is fenced by its claim token in the same statement, so a worker that lost its lease
// (paused, partitioned, presumed dead) cannot add a single event after its successor took over. On PostgreSQL the
// fence row is locked (FOR UPDATE) so a takeover waits for an in-flight append and then sees it.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { StoreDatabase } from './store-schema.js';
import type { RunEventsTable } from './store-schema-agent.js';

/** One stored event. */
export interface RunEventRecord {
  runId: string;
  seq: number;
  type: string;
  bodyJson: string;
  at: number;
}

/** An event to append, numbered by the lease holder. */
export interface NewRunEvent {
  seq: number;
  type: string;
  bodyJson: string;
  at: number;
}

/** One run's share of a batched append. */
export interface RunEventAppend {
  runId: string;
  workerId: string;
  events: NewRunEvent[];
}

/** Queries of the run_events table. */
export interface RunEventQueries {
  /** Appends if `workerId` still holds the run; false (nothing written) when it does not. */
  append(runId: string, workerId: string, events: NewRunEvent[]): Promise<boolean>;
  /**
   * Appends the events of many runs in one transaction (one commit instead of one per run), each run fenced by its
   * own claim token; result i says whether batch i was written (false: that worker lost the run, nothing of it
   * was written). Throws, writing nothing, if any insert fails.
   */
  appendMany(batches: readonly RunEventAppend[]): Promise<boolean[]>;
  /** Events with seq > afterSeq, in order. */
  list(runId: string, afterSeq: number, limit?: number): Promise<RunEventRecord[]>;
  /** The highest seq of the run (0 when it has none). */
  lastSeq(runId: string): Promise<number>;
}

/** Maps a run_events row. */
export function toRunEventRecord(row: Selectable<RunEventsTable>): RunEventRecord {
  return {
    runId: row.run_id,
    seq: Number(row.seq),
    type: row.type,
    bodyJson: row.body_json,
    at: Number(row.at),
  };
}

/** Appends one event after the current last, unfenced: for writers that just moved the run to a final state. */
export async function appendNextEventIn(
  trx: Transaction<StoreDatabase>,
  runId: string,
  event: Omit<NewRunEvent, 'seq'>,
): Promise<number> {
  const last = await trx
    .selectFrom('run_events')
    .select((eb) => eb.fn.max('seq').as('last'))
    .where('run_id', '=', runId)
    .executeTakeFirst();
  const seq = Number(last?.last ?? 0) + 1;
  await trx
    .insertInto('run_events')
    .values({ run_id: runId, seq, type: event.type, body_json: event.bodyJson, at: event.at })
    .execute();
  return seq;
}

/** Binds the run_events queries to a database. */
export function runEventQueries(db: Kysely<StoreDatabase>, dialect: 'sqlite' | 'postgres'): RunEventQueries {
  const insertFenced = async (
    executor: Kysely<StoreDatabase>,
    runId: string,
    workerId: string,
    e: NewRunEvent,
  ): Promise<boolean> => {
    let fence = executor
      .selectFrom('runs')
      .select([
        sql<string>`${runId}`.as('run_id'),
        sql<number>`${e.seq}`.as('seq'),
        sql<string>`${e.type}`.as('type'),
        sql<string>`${e.bodyJson}`.as('body_json'),
        sql<number>`${e.at}`.as('at'),
      ])
      .where('id', '=', runId)
      .where('worker_id', '=', workerId)
      .where('status', '=', 'running');
    if (dialect === 'postgres') fence = fence.forUpdate();
    const result = await executor
      .insertInto('run_events')
      .columns(['run_id', 'seq', 'type', 'body_json', 'at'])
      .expression(fence)
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  };
  return {
    async appendMany(batches) {
      if (batches.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        // The fence of every run at once, inside the transaction (SQLite serializes writers; on PostgreSQL the
        // rows stay locked until commit, so a takeover waits for this append and then sees it).
        const holders = new Map<string, string | null>();
        const ids = [...new Set(batches.filter((b) => b.events.length > 0).map((b) => b.runId))];
        for (let i = 0; i < ids.length; i += 500) {
          let fence = trx
            .selectFrom('runs')
            .select(['id', 'worker_id'])
            .where('id', 'in', ids.slice(i, i + 500))
            .where('status', '=', 'running')
            // Row locks taken in one order: two appenders never wait on each other in a cycle.
            .orderBy('id');
          if (dialect === 'postgres') fence = fence.forUpdate();
          for (const row of await fence.execute()) holders.set(row.id, row.worker_id);
        }
        const written = batches.map((b) => b.events.length === 0 || holders.get(b.runId) === b.workerId);
        const rows = batches.flatMap((b, i) =>
          written[i]
            ? b.events.map((e) => ({
                run_id: b.runId,
                seq: e.seq,
                type: e.type,
                body_json: e.bodyJson,
                at: e.at,
              }))
            : [],
        );
        // 200 rows × 5 values stay far below every bound-parameter limit.
        for (let i = 0; i < rows.length; i += 200)
          await trx
            .insertInto('run_events')
            .values(rows.slice(i, i + 200))
            .execute();
        return written;
      });
    },
    async append(runId, workerId, events) {
      if (events.length === 0) return true;
      if (events.length === 1) return insertFenced(db, runId, workerId, events[0]!);
      return db.transaction().execute(async (trx) => {
        for (const e of events) {
          if (!(await insertFenced(trx, runId, workerId, e))) return false;
        }
        return true;
      });
    },
    async list(runId, afterSeq, limit = 1000) {
      const rows = await db
        .selectFrom('run_events')
        .selectAll()
        .where('run_id', '=', runId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(toRunEventRecord);
    },
    async lastSeq(runId) {
      const row = await db
        .selectFrom('run_events')
        .select((eb) => eb.fn.max('seq').as('last'))
        .where('run_id', '=', runId)
        .executeTakeFirst();
      return Number(row?.last ?? 0);
    },
  };
}
