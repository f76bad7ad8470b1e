// @rampart/sandbox: per-thread Python notebooks — the driver contract and drivers, the kernel client, the lifecycle
// manager, the egress proxy, Redis ACL provisioning, and the MCP server exposing notebook_run_cell.

// The driver contract.
export type {
  CellOutput,
  CellResult,
  KernelClient,
  RunningSandbox,
  SandboxDriver,
  SandboxLimits,
  SandboxSpec,
} from './sandbox-driver.js';

// Drivers.
export {
  createBubblewrapDriver,
  createUnsafeLocalDriver,
  detectCgroupMode,
  workDirImagePath,
  SANDBOX_PROXY_PORT,
} from './drivers/index.js';
export type {
  BubblewrapDriverOptions,
  CgroupMode,
  SandboxTcpForward,
  UnsafeLocalDriverOptions,
} from './drivers/index.js';

// Kernel client.
export {
  DEFAULT_OUTPUT_CAP,
  KernelDiedError,
  KernelUnresponsiveError,
  SandboxError,
  ZmqKernelClient,
} from './kernel/index.js';
export type { OutputCapOptions, SandboxErrorCode, ZmqKernelClientOptions } from './kernel/index.js';

// Lifecycle manager.
export { createSandboxManager } from './manager/manager-sandbox-manager.js';
export type { AcquireOptions, LocalSandboxInfo, SandboxManager } from './manager/manager-sandbox-manager.js';
export { DEFAULT_SANDBOX_LIMITS } from './manager/manager-options.js';
export type { SandboxManagerOptions } from './manager/manager-options.js';
export { gatewayEnv } from './manager/manager-thread-resources.js';
export type { GatewayKey, MintGatewayKey } from './manager/manager-thread-resources.js';
export { systemClock } from './manager/manager-clock.js';
export type { Clock, TimerHandle } from './manager/manager-clock.js';
export { SandboxManagerError } from './manager/manager-errors.js';
export type { SandboxManagerErrorCode } from './manager/manager-errors.js';
export type {
  Notebook,
  NotebookCellResult,
  NotebookFile,
  NotebookFileList,
  RunCellOptions,
} from './manager/manager-notebook.js';
export type { ReconcileReport } from './manager/manager-reconcile.js';
export { treeRssBytes } from './manager/manager-process-tree.js';

// MCP server.
export { createNotebookMcpServer } from './mcp/mcp-notebook-server.js';
export type { NotebookMcpServerOptions } from './mcp/mcp-notebook-server.js';
export { startNotebookHttpServer, THREAD_HEADER, USER_HEADER } from './mcp/mcp-http-server.js';
export type { NotebookHttpServer, NotebookHttpServerOptions } from './mcp/mcp-http-server.js';
export { cellResultToContent } from './mcp/mcp-cell-content.js';

// Egress: one proxy socket per sandbox (the hub), each audited as its thread and allowed by its tenant's list.
export {
  createEgressHub,
  EGRESS_SANDBOX_HEADER,
  EGRESS_THREAD_HEADER,
  EgressAllowlist,
  startEgressProxy,
  tenantEgressPolicy,
} from './egress/index.js';
export type {
  EgressAuditRecord,
  EgressAuditSink,
  EgressHub,
  EgressHubOptions,
  EgressIdentity,
  EgressLease,
  EgressPolicy,
  EgressProxy,
  EgressProxyOptions,
  EgressSubject,
  SandboxEgress,
  TenantAllowlists,
  TenantOf,
} from './egress/index.js';

// Redis ACL provisioning.
export { createRedisAclProvisioner, redisAclUsername, redisUserPatterns } from './redis-acl/index.js';
export type { RedisAclProvisioner, RedisUserCredentials } from './redis-acl/index.js';
