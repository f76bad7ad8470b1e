// The tables as Kysely sees them. Times are integer epoch milliseconds in both dialects (BIGINT on PostgreSQL,
// which pg returns as a string: row mappers convert), so comparisons are plain integer comparisons everywhere.
import type { ColumnType } from 'kysely';
import type { AgentTables } from './store-schema-agent.js';
import type { TenancyTables } from './store-schema-tenancy.js';

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

/** Status of a usage record: how the request ended. */
export type UsageStatus = 'ok' | 'error' | 'cut' | 'client_gone' | 'interrupted';

type Count = ColumnType<number | string | null, number | null | undefined, number | null>;

/** One row per request that reached an upstream (docs/TENANCY.md). */
export interface UsageRecordsTable {
  request_id: string;
  team_id: string | null;
  user_id: string | null;
  key_id: string | null;
  thread_id: string | null;
  endpoint: string;
  requested_model: string;
  provider: string | null;
  model: string | null;
  status: UsageStatus;
  http_status: number | null;
  error_code: string | null;
  input_tokens: Count;
  output_tokens: Count;
  cache_read_tokens: Count;
  cache_write_tokens: Count;
  cache_write_5m_tokens: Count;
  cache_write_1h_tokens: Count;
  reasoning_tokens: Count;
  /** 1 when the usage is an estimate (reconciled from a crashed gateway's pending row). */
  estimated: ColumnType<number, number | undefined, number>;
  /** nano-USD (1e-9 USD); pg returns BIGINT as a string. */
  cost_nanos: ColumnType<number | string | bigint, string | number | undefined, string | number>;
  latency_ms: number;
  ttft_ms: number | null;
  attempts_json: string;
  started_at: Millis;
  /** `YYYY-MM-DD` (UTC) of started_at. */
  day: string;
}

/** A request that is running (or whose gateway died while it ran): the ledger's write-ahead row. */
export interface PendingUsageTable {
  request_id: string;
  instance_id: string;
  principal_json: string;
  estimate_json: string;
  reservations_json: string;
  started_at: Millis;
}

/** Gateway processes and their heartbeats. */
export interface GatewayInstancesTable {
  id: string;
  hostname: string;
  pid: number;
  started_at: Millis;
  heartbeat_at: Millis;
}

/** Webhook deliveries waiting, leased or done. */
export interface WebhookOutboxTable {
  id: string;
  endpoint: string;
  event: string;
  payload_json: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: NullableMillis;
  lease_owner: string | null;
  lease_expires_at: NullableMillis;
  delivered_at: NullableMillis;
  last_error: string | null;
  created_at: Millis;
}

/** The whole database as Kysely sees it. */
export interface StoreDatabase extends AgentTables, TenancyTables {
  sandboxes: SandboxesTable;
  sandbox_managers: SandboxManagersTable;
  sandbox_processes: SandboxProcessesTable;
  usage_records: UsageRecordsTable;
  pending_usage: PendingUsageTable;
  gateway_instances: GatewayInstancesTable;
  webhook_outbox: WebhookOutboxTable;
}
