// Public surface of the egress proxy (re-exported by the package index).
export {
  startEgressProxy,
  type EgressProxy,
  type EgressProxyOptions,
  type EgressIdentity,
  type EgressAuditRecord,
  type EgressAuditSink,
} from './egress-proxy.js';
export { EGRESS_SANDBOX_HEADER, EGRESS_THREAD_HEADER } from './egress-proxy.js';
export {
  createEgressHub,
  type EgressHub,
  type EgressHubOptions,
  type EgressLease,
  type EgressPolicy,
  type EgressSubject,
  type SandboxEgress,
} from './egress-hub.js';
export { tenantEgressPolicy, type TenantAllowlists, type TenantOf } from './egress-tenant-policy.js';
export { EgressAllowlist } from './egress-allowlist.js';
