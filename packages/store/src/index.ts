// @rampart/store: durable data in SQLite (embedded default) or PostgreSQL (scale-out), behind one query layer.
export { openStore } from './store-open.js';
export type { OpenStoreOptions, Store } from './store-open.js';
export { parseStoreUrl } from './store-url.js';
export type { StoreTarget } from './store-url.js';
export { StoreError } from './store-errors.js';
export type { StoreErrorCode } from './store-errors.js';
export type { SandboxState, StoreDatabase, UsageStatus } from './store-schema.js';
export type {
  SandboxChanges,
  SandboxClaim,
  SandboxFence,
  SandboxQueries,
  SandboxRecord,
} from './store-sandboxes.js';
export type { SandboxManagerQueries, SandboxManagerRecord } from './store-sandbox-managers.js';
export type { SandboxProcessQueries, SandboxProcessRecord } from './store-sandbox-processes.js';
export type {
  CredentialsTable,
  TeamsTable,
  TenancyTables,
  UsersTable,
  VirtualKeysTable,
} from './store-schema-tenancy.js';
export type { JsonObject } from './store-tenancy-shared.js';
export type { TeamQueries, TeamRecord } from './store-teams.js';
export type { NewUser, UserQueries, UserRecord } from './store-users.js';
export type { CredentialQueries, CredentialRecord } from './store-credentials.js';
export type {
  NewVirtualKey,
  VirtualKeyChanges,
  VirtualKeyQueries,
  VirtualKeyRecord,
} from './store-virtual-keys.js';
export type { RunStatus } from './store-schema-agent.js';
export type { NewThread, ThreadQueries, ThreadRecord } from './store-threads.js';
export type { MessageQueries, MessageRecord, NewMessage } from './store-messages.js';
export type {
  FinishRun,
  RunLease,
  RunQueries,
  RunRecord,
  SaveCheckpoint,
  StartRun,
  StartRunResult,
} from './store-runs.js';
export type { NewRunEvent, RunEventAppend, RunEventQueries, RunEventRecord } from './store-run-events.js';
export { utcDay } from './store-usage-columns.js';
export type {
  LedgerBatch,
  LedgerEntry,
  SpendFilter,
  UsageFilter,
  UsageGroup,
  UsageGroupBy,
  UsageRecord,
  UsageRecordQueries,
  UsageTokens,
} from './store-usage-records.js';
export type { PendingUsageQueries, PendingUsageRow } from './store-pending-usage.js';
export { PendingJournal, drainJournals, journalInstances } from './pending-journal.js';
export type { JournalSegment } from './pending-journal.js';
export type { GatewayInstanceQueries, GatewayInstanceRecord } from './store-gateway-instances.js';
export type { WebhookOutboxInsert, WebhookOutboxQueries, WebhookOutboxRow } from './store-webhook-outbox.js';
