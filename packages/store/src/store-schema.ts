// The tables as Kysely sees them. Times are integer epoch milliseconds in both dialects (BIGINT on PostgreSQL,
// which pg returns as a string: row mappers convert), so comparisons are plain integer comparisons everywhere.
import type { ColumnType } from 'kysely';

/** Lifecycle states of a thread's sandbox. */
export type SandboxState = 'off' | 'starting' | 'running' | 'unhealthy' | 'stopping';

type Millis = ColumnType<number | string, number, number>;
type NullableMillis = ColumnType<number | string | null, number | null | undefined, number | null>;

/** One row per thread that ever had a sandbox: the compare-and-swap slot of that thread. */
export interface SandboxesTable {
  id: string;
  thread_id: string;
  user_id: string;
  state: SandboxState;
  /** Id of the manager instance that owns the sandbox while it is not off. */
  owner: string | null;
  /** Hostname of the machine where pid lives. */
  host: string | null;
  pid: number | null;
  /** Incremented at every claim: a fencing token, so a manager that lost its lease cannot write. */
  generation: ColumnType<number | string, number, number>;
  /** Host directory of the thread's work dir; kept when the sandbox stops. */
  work_dir: string | null;
  /** The driver's id of the currently running sandbox process. */
  sandbox_id: string | null;
  lease_expires_at: NullableMillis;
  last_used_at: NullableMillis;
  last_health_at: NullableMillis;
  created_at: Millis;
  updated_at: Millis;
  error: string | null;
}

/** Manager instances and where peers reach them. */
export interface SandboxManagersTable {
  id: string;
  hostname: string;
  /** Base URL of the manager's peer endpoint, or null when it serves only its own process. */
  endpoint: string | null;
  pid: number;
  started_at: Millis;
  lease_expires_at: Millis;
}

/** Every sandbox process a manager started (bound or warm), so a successor can reap it after a crash. */
export interface SandboxProcessesTable {
  sandbox_id: string;
  owner: string;
  hostname: string;
  pid: number;
  started_at: Millis;
}

/** The whole database as Kysely sees it. */
export interface StoreDatabase {
  sandboxes: SandboxesTable;
  sandbox_managers: SandboxManagersTable;
  sandbox_processes: SandboxProcessesTable;
}
