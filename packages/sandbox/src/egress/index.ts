// Public surface of the egress proxy (re-exported by the package index).
export {
  startEgressProxy,
  type EgressProxy,
  type EgressProxyOptions,
  type EgressIdentity,
  type EgressAuditRecord,
  type EgressAuditSink,
} from './egress-proxy.js';
export { EgressAllowlist } from './egress-allowlist.js';
