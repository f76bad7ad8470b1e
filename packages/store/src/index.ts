// @rampart/store: durable data in SQLite (embedded default) or PostgreSQL (scale-out), behind one query layer.
export { openStore } from './store-open.js';
export type { OpenStoreOptions, Store } from './store-open.js';
export { parseStoreUrl } from './store-url.js';
export type { StoreTarget } from './store-url.js';
export { StoreError } from './store-errors.js';
export type { StoreErrorCode } from './store-errors.js';
export type { SandboxState, StoreDatabase } from './store-schema.js';
export type {
  SandboxChanges,
  SandboxClaim,
  SandboxFence,
  SandboxQueries,
  SandboxRecord,
} from './store-sandboxes.js';
export type { SandboxManagerQueries, SandboxManagerRecord } from './store-sandbox-managers.js';
export type { SandboxProcessQueries, SandboxProcessRecord } from './store-sandbox-processes.js';
