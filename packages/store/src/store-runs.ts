// Queries of `runs`: the durable state of agent runs.
// - start: one transaction inserts the run (ON CONFLICT on (thread_id, idempotency_key) DO NOTHING) and, only if it
//   won, the user message that started it; every concurrent post of the same key gets the winner's run back.
// - claim: the lease. queued, or running under an expired lease → running, owned by a fresh claim token, with the
//   fencing version bumped so the previous holder's checkpoint writes fail.
// - saveCheckpoint: compare-and-swap on (worker, version).
import { sql, type Kysely, type Selectable } from 'kysely';
import { appendNextEventIn, type NewRunEvent } from './store-run-events.js';
import { appendMessagesIn, toMessageRecord, type MessageRecord, type NewMessage } from './store-messages.js';
import type { StoreDatabase } from './store-schema.js';
import type { RunsTable, RunStatus } from './store-schema-agent.js';

/** A run row, camelCased; JSON columns stay strings (the agent package owns their shapes). */
export interface RunRecord {
  id: string;
  threadId: string;
  userId: string;
  status: RunStatus;
  idempotencyKey: string;
  principalJson: string | null;
  checkpointJson: string | null;
  checkpointVersion: number;
  workerId: string | null;
  leaseExpiresAt: number | null;
  cancelRequestedAt: number | null;
  claims: number;
  error: { code: string; message: string } | null;
  createdAt: number;
  updatedAt: number;
}

/** What posting a message that starts a run needs. */
export interface StartRun {
  runId: string;
  threadId: string;
  userId: string;
  idempotencyKey: string;
  principalJson: string | null;
  /** The user message; written only when this call creates the run. */
  message: NewMessage;
  now: number;
}

/** The outcome of start. */
export type StartRunResult =
  | { kind: 'created'; run: RunRecord; message: MessageRecord }
  /** Another post with the same key won: its run, and the message that started it. */
  | { kind: 'existing'; run: RunRecord; message: MessageRecord | undefined }
  /** A different message's run is still queued or running on this thread. */
  | { kind: 'busy'; activeRunId: string | undefined };

/** A worker's hold on a run. */
export interface RunLease {
  runId: string;
  workerId: string;
}

/** How a run ended, the messages it adds to its thread and its final events (all in one transaction). */
export interface FinishRun extends RunLease {
  status: 'completed' | 'failed' | 'cancelled';
  error?: { code: string; message: string };
  messages: NewMessage[];
  /** The stream's last events (`done`/`error`): a client that sees them finds the run and thread final. */
  events?: NewRunEvent[];
  now: number;
}

/** A checkpoint compare-and-swap (see RunQueries.saveCheckpoint). */
export type SaveCheckpoint = RunLease & {
  expectedVersion: number;
  checkpointJson: string;
  now: number;
  leaseMs: number;
};

/** Queries of the runs table. */
export interface RunQueries {
  start(start: StartRun): Promise<StartRunResult>;
  get(id: string): Promise<RunRecord | undefined>;
  /** The run of (thread, idempotency key), if any. */
  getByKey(threadId: string, idempotencyKey: string): Promise<RunRecord | undefined>;
  /** Takes the lease if the run is queued or its lease expired; undefined when someone else holds it or it ended. */
  claim(claim: RunLease & { now: number; leaseMs: number }): Promise<RunRecord | undefined>;
  /** Extends the lease; undefined when lost, else whether a cancel was requested. */
  renewLease(
    lease: RunLease & { now: number; leaseMs: number },
  ): Promise<{ cancelRequested: boolean } | undefined>;
  /** Compare-and-swap of the checkpoint (also extends the lease); false when the lease or version moved on. */
  saveCheckpoint(save: SaveCheckpoint): Promise<boolean>;
  /** Many runs' checkpoints in one transaction (one commit); result i is saveCheckpoint's answer for saves[i]. */
  saveCheckpoints(saves: readonly SaveCheckpoint[]): Promise<boolean[]>;
  /** Ends a running run the caller holds and appends its messages; false when the lease was lost. */
  finish(finish: FinishRun): Promise<boolean>;
  /**
   * Cancels: a queued run ends at once (with `terminalEvent` appended to its stream); a running one is flagged for
   * its lease holder. Returns the run as it is now, or undefined if it does not exist.
   */
  requestCancel(
    runId: string,
    now: number,
    terminalEvent: { type: string; bodyJson: string },
  ): Promise<RunRecord | undefined>;
  /** Runs a worker should pick up: running under an expired lease, or queued since before queuedBefore. */
  listRecoverable(now: number, queuedBefore: number, limit?: number): Promise<RunRecord[]>;
}

/** Maps a runs row. */
export function toRunRecord(row: Selectable<RunsTable>): RunRecord {
  const millisOrNull = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    id: row.id,
    threadId: row.thread_id,
    userId: row.user_id,
    status: row.status,
    idempotencyKey: row.idempotency_key,
    principalJson: row.principal_json,
    checkpointJson: row.checkpoint_json,
    checkpointVersion: Number(row.checkpoint_version),
    workerId: row.worker_id,
    leaseExpiresAt: millisOrNull(row.lease_expires_at),
    cancelRequestedAt: millisOrNull(row.cancel_requested_at),
    claims: Number(row.claims),
    error: row.error === null ? null : (JSON.parse(row.error) as { code: string; message: string }),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** True for a unique-constraint violation in either dialect. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The checkpoint compare-and-swap, on the database or inside a transaction. */
async function casCheckpoint(db: Kysely<StoreDatabase>, c: SaveCheckpoint): Promise<boolean> {
  const result = await db
    .updateTable('runs')
    .set({
      checkpoint_json: c.checkpointJson,
      checkpoint_version: c.expectedVersion + 1,
      lease_expires_at: c.now + c.leaseMs,
      updated_at: c.now,
    })
    .where('id', '=', c.runId)
    .where('worker_id', '=', c.workerId)
    .where('status', '=', 'running')
    .where('checkpoint_version', '=', c.expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Binds the runs queries to a database. */
export function runQueries(db: Kysely<StoreDatabase>): RunQueries {
  const getByKey = async (threadId: string, key: string) => {
    const row = await db
      .selectFrom('runs')
      .selectAll()
      .where('thread_id', '=', threadId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row === undefined ? undefined : toRunRecord(row);
  };
  const existing = async (run: RunRecord): Promise<StartRunResult> => {
    const message = await db
      .selectFrom('messages')
      .selectAll()
      .where('run_id', '=', run.id)
      .where('role', '=', 'user')
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    return {
      kind: 'existing',
      run,
      message: message === undefined ? undefined : toMessageRecord(message),
    };
  };

  return {
    async start(s) {
      let created: { run: RunRecord; message: MessageRecord } | undefined;
      try {
        created = await db.transaction().execute(async (trx) => {
          const row = await trx
            .insertInto('runs')
            .values({
              id: s.runId,
              thread_id: s.threadId,
              user_id: s.userId,
              status: 'queued',
              idempotency_key: s.idempotencyKey,
              principal_json: s.principalJson,
              checkpoint_version: 0,
              created_at: s.now,
              updated_at: s.now,
            })
            .onConflict((oc) => oc.columns(['thread_id', 'idempotency_key']).doNothing())
            .returningAll()
            .executeTakeFirst();
          if (row === undefined) return undefined;
          const [message] = await appendMessagesIn(trx, s.threadId, [s.message], s.now);
          return { run: toRunRecord(row), message: message! };
        });
      } catch (error) {
        // The one-active-run-per-thread index: some other message's run is still going.
        if (!isUniqueViolation(error)) throw error;
        const same = await getByKey(s.threadId, s.idempotencyKey);
        if (same !== undefined) return existing(same);
        const active = await db
          .selectFrom('runs')
          .select('id')
          .where('thread_id', '=', s.threadId)
          .where('status', 'in', ['queued', 'running'])
          .executeTakeFirst();
        return { kind: 'busy', activeRunId: active?.id };
      }
      if (created !== undefined) return { kind: 'created', ...created };
      const winner = await getByKey(s.threadId, s.idempotencyKey);
      if (winner === undefined) throw new Error('idempotency conflict without a stored run');
      return existing(winner);
    },

    async get(id) {
      const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRunRecord(row);
    },

    getByKey,

    async claim(c) {
      const row = await db
        .updateTable('runs')
        .set({
          status: 'running',
          worker_id: c.workerId,
          lease_expires_at: c.now + c.leaseMs,
          checkpoint_version: sql`checkpoint_version + 1`,
          claims: sql`claims + 1`,
          updated_at: c.now,
        })
        .where('id', '=', c.runId)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'queued'),
            eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', c.now)]),
          ]),
        )
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toRunRecord(row);
    },

    async renewLease(l) {
      const row = await db
        .updateTable('runs')
        .set({ lease_expires_at: l.now + l.leaseMs, updated_at: l.now })
        .where('id', '=', l.runId)
        .where('worker_id', '=', l.workerId)
        .where('status', '=', 'running')
        .returning('cancel_requested_at')
        .executeTakeFirst();
      return row === undefined ? undefined : { cancelRequested: row.cancel_requested_at !== null };
    },

    saveCheckpoint: (c) => casCheckpoint(db, c),

    async saveCheckpoints(saves) {
      if (saves.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const saved: boolean[] = [];
        for (const save of saves) saved.push(await casCheckpoint(trx, save));
        return saved;
      });
    },

    async finish(f) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('runs')
          .set({
            status: f.status,
            error: f.error === undefined ? null : JSON.stringify(f.error),
            lease_expires_at: null,
            updated_at: f.now,
          })
          .where('id', '=', f.runId)
          .where('worker_id', '=', f.workerId)
          .where('status', '=', 'running')
          .returning('thread_id')
          .executeTakeFirst();
        if (row === undefined) return false;
        await appendMessagesIn(trx, row.thread_id, f.messages, f.now);
        const events = f.events ?? [];
        if (events.length > 0)
          await trx
            .insertInto('run_events')
            .values(
              events.map((e) => ({
                run_id: f.runId,
                seq: e.seq,
                type: e.type,
                body_json: e.bodyJson,
                at: e.at,
              })),
            )
            .execute();
        return true;
      });
    },

    async requestCancel(runId, now, terminalEvent) {
      return db.transaction().execute(async (trx) => {
        const cancelled = await trx
          .updateTable('runs')
          .set({
            status: 'cancelled',
            error: JSON.stringify({ code: 'run_cancelled', message: 'The run was cancelled.' }),
            cancel_requested_at: now,
            updated_at: now,
          })
          .where('id', '=', runId)
          .where('status', '=', 'queued')
          .returningAll()
          .executeTakeFirst();
        if (cancelled !== undefined) {
          await appendNextEventIn(trx, runId, { ...terminalEvent, at: now });
          return toRunRecord(cancelled);
        }
        await trx
          .updateTable('runs')
          .set({ cancel_requested_at: now, updated_at: now })
          .where('id', '=', runId)
          .where('status', '=', 'running')
          .where('cancel_requested_at', 'is', null)
          .execute();
        const row = await trx.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
        return row === undefined ? undefined : toRunRecord(row);
      });
    },

    async listRecoverable(now, queuedBefore, limit = 100) {
      const rows = await db
        .selectFrom('runs')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now)]),
            eb.and([eb('status', '=', 'queued'), eb('updated_at', '<', queuedBefore)]),
          ]),
        )
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map(toRunRecord);
    },
  };
}
