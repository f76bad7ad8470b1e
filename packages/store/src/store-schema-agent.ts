// The agent runtime's tables as Kysely sees them (migration 0004-agent): threads, their messages, runs with their
// checkpoint and lease, and each run's numbered event stream. Kept apart from store-schema.ts so the owners of
// other tables and this one do not edit the same lines.
import type { ColumnType } from 'kysely';

type Millis = ColumnType<number | string, number, number>;
type NullableMillis = ColumnType<number | string | null, number | null | undefined, number | null>;
type BigCount = ColumnType<number | string, number | undefined, number>;

/** Lifecycle of a run: queued → running → completed | failed | cancelled (running → queued never happens). */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A conversation owned by one user. */
export interface ThreadsTable {
  id: string;
  user_id: string;
  /** Null when auth is off (anonymous principal). */
  team_id: string | null;
  title: string | null;
  /** The last message seq handed out: bumped atomically, so concurrent appends never collide. */
  message_seq: BigCount;
  created_at: Millis;
}

/** One canonical message (spec Message) of a thread, numbered from 1. */
export interface MessagesTable {
  id: string;
  thread_id: string;
  seq: ColumnType<number | string, number, number>;
  role: 'user' | 'assistant';
  /** The spec Message's `content` array as JSON. */
  content_json: string;
  /** The run that the message started (user) or that wrote it (assistant, tool results). */
  run_id: string | null;
  created_at: Millis;
}

/** One agent run: what started it, who works on it, and how far it got. */
export interface RunsTable {
  id: string;
  thread_id: string;
  user_id: string;
  status: RunStatus;
  idempotency_key: string;
  /** Who the model calls are made for (keyId, userId, teamId) as JSON; null when auth is off. */
  principal_json: string | null;
  /** The loop's RunCheckpoint as JSON; null until the first step completes. */
  checkpoint_json: string | null;
  /** Fencing token: bumped by every claim and every checkpoint write (compare-and-swap). */
  checkpoint_version: BigCount;
  /** The claim token of the worker holding the lease (unique per claim). */
  worker_id: string | null;
  lease_expires_at: NullableMillis;
  /** Set by a cancel while running; the lease holder notices and stops. */
  cancel_requested_at: NullableMillis;
  /** How many times a worker claimed the run (1 = never resumed). */
  claims: ColumnType<number, number | undefined, number>;
  /** `{ code, message }` JSON of a failed (or cancelled) run. */
  error: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A run's event stream, numbered per run from 1 (the SSE id). */
export interface RunEventsTable {
  run_id: string;
  seq: ColumnType<number | string, number, number>;
  type: string;
  body_json: string;
  at: Millis;
}

/** The agent runtime's part of the database. */
export interface AgentTables {
  threads: ThreadsTable;
  messages: MessagesTable;
  runs: RunsTable;
  run_events: RunEventsTable;
}
