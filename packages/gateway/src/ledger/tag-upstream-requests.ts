// Every upstream call of a request carries `x-rampart-request-id` (the id of its usage record): harmless to real
// providers, and it lets a provider's log (the simulator's, in tests) be matched to the ledger row by row.
import type { UpstreamTransport } from '../transport/upstream-transport.js';

/** The header name sent upstream. */
export const UPSTREAM_REQUEST_ID_HEADER = 'x-rampart-request-id';

/** A view of `transport` that adds the request's id to every call it sends. */
export function tagUpstreamRequests(transport: UpstreamTransport, requestId: string): UpstreamTransport {
  return {
    send: (request, options) =>
      transport.send(
        { ...request, headers: { ...request.headers, [UPSTREAM_REQUEST_ID_HEADER]: requestId } },
        options,
      ),
    close: () => transport.close(),
  };
}
