// What the gateway's request path needs from tenancy: turn a presented key into a principal, and a team's stored
// credentials into provider entries. The store-backed implementation is createTenancy (tenancy-service.ts); tests
// may pass any object of this shape.
import type { CredentialLookup } from '../routing/compile-route.js';
import type { Principal } from './principal.js';

/** The key directory and credential vault as the request path sees them. */
export interface GatewayTenancy {
  /** The principal of a presented secret (`rk_…`); throws RampartError `authentication_failed` when not valid. */
  authenticate(secret: string): Promise<Principal>;
  /**
   * The team's credentials as ready-to-call provider entries. The same function object is returned until the team's
   * credentials change, so routes compiled against it may be cached by its identity.
   */
  credentials(teamId: string): Promise<CredentialLookup>;
}
