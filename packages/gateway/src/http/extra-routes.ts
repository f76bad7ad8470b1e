// The hook through which packages that depend on the gateway (the agent's threads API) add routes to its HTTP
// server without the gateway depending on them: tried, in order, for any path the gateway itself does not serve.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../tenancy/principal.js';

/** What the gateway hands an extra route. */
export interface ExtraRouteContext {
  requestId: string;
  /**
   * The gateway's own authentication (virtual keys, auth.required, key scopes as for chat.completions): the
   * principal, undefined when auth is off and no key was presented; throws RampartError 401/403.
   */
  authenticate(headers: IncomingHttpHeaders): Promise<Principal | undefined>;
}

/** Serves the request and returns true, or returns false (having touched nothing) when the path is not its. */
export type ExtraRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  context: ExtraRouteContext,
) => Promise<boolean>;
