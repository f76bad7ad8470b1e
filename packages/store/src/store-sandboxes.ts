// Queries of the `sandboxes` table: the per-thread compare-and-swap slot. Every write after the claim is fenced by
// (owner, generation), so a manager that lost its lease (paused, partitioned) can no longer change the row.
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { SandboxesTable, SandboxState, StoreDatabase } from './store-schema.js';

/** A thread's sandbox row, camelCased, times as epoch ms. */
export interface SandboxRecord {
  id: string;
  threadId: string;
  userId: string;
  state: SandboxState;
  owner: string | null;
  host: string | null;
  pid: number | null;
  generation: number;
  workDir: string | null;
  sandboxId: string | null;
  leaseExpiresAt: number | null;
  lastUsedAt: number | null;
  lastHealthAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** Why the previous sandbox ended or failed (idle, crash, recovery failure); cleared once a new one runs. */
  error: string | null;
}

/** Identifies the claim a write belongs to. */
export interface SandboxFence {
  threadId: string;
  owner: string;
  generation: number;
}

/** Fields a fenced update may change. */
export interface SandboxChanges {
  state?: SandboxState;
  pid?: number | null;
  host?: string | null;
  workDir?: string | null;
  sandboxId?: string | null;
  leaseExpiresAt?: number | null;
  lastUsedAt?: number | null;
  lastHealthAt?: number | null;
  error?: string | null;
}

/** What a claim needs. */
export interface SandboxClaim {
  /** Row id used only if the thread has no row yet. */
  id: string;
  threadId: string;
  userId: string;
  owner: string;
  host: string;
  now: number;
  leaseMs: number;
}

/** Queries of the sandboxes table. */
export interface SandboxQueries {
  /**
   * The compare-and-swap: off (or a lease that expired) → starting, owned by claim.owner, generation + 1.
   * Returns the row when this caller won, undefined when someone else holds the thread.
   */
  claim(claim: SandboxClaim): Promise<SandboxRecord | undefined>;
  get(threadId: string): Promise<SandboxRecord | undefined>;
  /** Applies changes if the fence still holds (and the state is one of `from`, when given); true when applied. */
  update(fence: SandboxFence, changes: SandboxChanges, now: number, from?: SandboxState[]): Promise<boolean>;
  /** Extends the lease of every non-off row owned by owner; returns how many. */
  renewLeases(owner: string, leaseExpiresAt: number, now: number): Promise<number>;
  /** Non-off rows whose owner's lease has expired, or that are owned by one of `owners`. */
  listStale(now: number, owners?: string[]): Promise<SandboxRecord[]>;
  /** Non-off rows owned by owner. */
  listOwned(owner: string): Promise<SandboxRecord[]>;
}

type Row = Selectable<SandboxesTable>;

const ms = (v: number | string): number => Number(v);
const msOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toRecord(row: Row): SandboxRecord {
  return {
    id: row.id,
    threadId: row.thread_id,
    userId: row.user_id,
    state: row.state,
    owner: row.owner,
    host: row.host,
    pid: row.pid,
    generation: ms(row.generation),
    workDir: row.work_dir,
    sandboxId: row.sandbox_id,
    leaseExpiresAt: msOrNull(row.lease_expires_at),
    lastUsedAt: msOrNull(row.last_used_at),
    lastHealthAt: msOrNull(row.last_health_at),
    createdAt: ms(row.created_at),
    updatedAt: ms(row.updated_at),
    error: row.error,
  };
}

function toColumns(changes: SandboxChanges): Updateable<SandboxesTable> {
  const columns: Updateable<SandboxesTable> = {};
  if (changes.state !== undefined) columns.state = changes.state;
  if (changes.pid !== undefined) columns.pid = changes.pid;
  if (changes.host !== undefined) columns.host = changes.host;
  if (changes.workDir !== undefined) columns.work_dir = changes.workDir;
  if (changes.sandboxId !== undefined) columns.sandbox_id = changes.sandboxId;
  if (changes.leaseExpiresAt !== undefined) columns.lease_expires_at = changes.leaseExpiresAt;
  if (changes.lastUsedAt !== undefined) columns.last_used_at = changes.lastUsedAt;
  if (changes.lastHealthAt !== undefined) columns.last_health_at = changes.lastHealthAt;
  if (changes.error !== undefined) columns.error = changes.error;
  return columns;
}

/** Binds the sandboxes queries to a database. */
export function sandboxQueries(db: Kysely<StoreDatabase>): SandboxQueries {
  return {
    async claim(claim) {
      const lease = claim.now + claim.leaseMs;
      // One statement, atomic in both dialects: a concurrent claimer blocks on the row (PostgreSQL) or the write
      // lock (SQLite) and then re-evaluates the WHERE against the winner's row, which is no longer off.
      const row = await db
        .insertInto('sandboxes')
        .values({
          id: claim.id,
          thread_id: claim.threadId,
          user_id: claim.userId,
          state: 'starting',
          owner: claim.owner,
          host: claim.host,
          generation: 1,
          lease_expires_at: lease,
          last_used_at: claim.now,
          created_at: claim.now,
          updated_at: claim.now,
        })
        .onConflict((oc) =>
          oc
            .column('thread_id')
            .doUpdateSet({
              state: 'starting',
              owner: claim.owner,
              host: claim.host,
              pid: null,
              sandbox_id: null,
              generation: sql`sandboxes.generation + 1`,
              lease_expires_at: lease,
              last_used_at: claim.now,
              updated_at: claim.now,
              // `error` is kept: the winner reads why the previous sandbox ended, to tell the caller.
            })
            .where((eb) =>
              eb.or([eb('sandboxes.state', '=', 'off'), eb('sandboxes.lease_expires_at', '<', claim.now)]),
            ),
        )
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async get(threadId) {
      const row = await db
        .selectFrom('sandboxes')
        .selectAll()
        .where('thread_id', '=', threadId)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async update(fence, changes, now, from) {
      let query = db
        .updateTable('sandboxes')
        .set({ ...toColumns(changes), updated_at: now })
        .where('thread_id', '=', fence.threadId)
        .where('owner', '=', fence.owner)
        .where('generation', '=', fence.generation);
      if (from !== undefined && from.length > 0) query = query.where('state', 'in', from);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async renewLeases(owner, leaseExpiresAt, now) {
      const result = await db
        .updateTable('sandboxes')
        .set({ lease_expires_at: leaseExpiresAt, updated_at: now })
        .where('owner', '=', owner)
        .where('state', '!=', 'off')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async listStale(now, owners = []) {
      const rows = await db
        .selectFrom('sandboxes')
        .selectAll()
        .where('state', '!=', 'off')
        .where((eb) =>
          eb.or([
            eb('lease_expires_at', '<', now),
            eb('lease_expires_at', 'is', null),
            ...(owners.length > 0 ? [eb('owner', 'in', owners)] : []),
          ]),
        )
        .execute();
      return rows.map(toRecord);
    },

    async listOwned(owner) {
      const rows = await db
        .selectFrom('sandboxes')
        .selectAll()
        .where('owner', '=', owner)
        .where('state', '!=', 'off')
        .execute();
      return rows.map(toRecord);
    },
  };
}
