// Per-tenant host allowlists: a default list for tenants without their own, and one list per tenant that replaces
// the default (a tenant never silently inherits hosts it was not given). Entries are validated up front, with the
// path of a bad one in the error, so a typo fails `rampart start` instead of a sandbox's first request.
import { EgressAllowlist } from './egress-allowlist.js';
import type { EgressPolicy, EgressSubject } from './egress-hub.js';

/** Allowlists by tenant. */
export interface TenantAllowlists {
  /** For tenants without their own list (and users with no tenant). Default: nothing beyond the gateway. */
  default?: readonly string[];
  tenants?: Record<string, readonly string[]>;
}

/** Finds the tenant (team) of a user; undefined when the user has none or is unknown. */
export type TenantOf = (userId: string) => string | undefined | Promise<string | undefined>;

/** The hub policy for per-tenant allowlists. Throws at once when an entry is invalid. */
export function tenantEgressPolicy(
  lists: TenantAllowlists,
  tenantOf: TenantOf,
): (subject: EgressSubject) => Promise<EgressPolicy> {
  const check = (entries: readonly string[], path: string): readonly string[] => {
    entries.forEach((entry, index) => {
      try {
        new EgressAllowlist([entry]);
      } catch {
        throw new Error(`${path}[${index}]: invalid egress allowlist entry "${entry}"`);
      }
    });
    return [...entries];
  };
  const fallback = check(lists.default ?? [], 'egress.default');
  const byTenant = new Map(
    Object.entries(lists.tenants ?? {}).map(([tenant, entries]) => [
      tenant,
      check(entries, `egress.tenants.${tenant}`),
    ]),
  );
  return async (subject) => {
    const tenantId = await tenantOf(subject.userId);
    const allow = (tenantId === undefined ? undefined : byTenant.get(tenantId)) ?? fallback;
    return { ...(tenantId === undefined ? {} : { tenantId }), allow };
  };
}
