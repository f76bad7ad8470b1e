// The production ModelClient: model calls go through the gateway pipeline in this process (gateway.chat) — the
// same routing, limits and budgets, usage ledger and prompt cache as the gateway's HTTP API, without a socket.
import type { Gateway, Principal } from '@rampart/gateway';
import type { ModelCall, ModelCallOptions, ModelClient, ModelPrincipal } from '../loop/agent-run-types.js';

/** Options of createGatewayModel. */
export interface GatewayModelOptions {
  /**
   * The gateway Principal (scopes, limits) of the loop's ModelPrincipal, looked up at every call so a limit changed
   * mid-run applies to the run's next call (`rampart start`: tenancy.principalOfKey). Without it, the loop's
   * principal must already be a whole Principal (as in-process callers that hold one pass it).
   */
  resolvePrincipal?: (principal: ModelPrincipal) => Promise<Principal>;
}

/** Creates a ModelClient over a gateway in the same process. */
export function createGatewayModel(
  gateway: Pick<Gateway, 'chat'>,
  modelOptions: GatewayModelOptions = {},
): ModelClient {
  return {
    async call(request, options: ModelCallOptions): Promise<ModelCall> {
      const principal =
        options.principal === undefined
          ? undefined
          : modelOptions.resolvePrincipal === undefined
            ? (options.principal as Principal)
            : await modelOptions.resolvePrincipal(options.principal);
      const result = await gateway.chat(
        { ...request, stream: options.stream },
        {
          // Limits, budgets and the ledger apply to the run's user through this principal.
          ...(principal ? { principal } : {}),
          requestId: options.requestId,
          threadId: options.threadId,
          signal: options.signal,
        },
      );
      return {
        provider: result.provider,
        model: result.model,
        attempts: result.attempts.map((a) => ({
          provider: a.provider,
          model: a.model,
          outcome: a.outcome,
          ...(a.reason === undefined ? {} : { reason: a.reason }),
          ...(a.status === undefined ? {} : { status: a.status }),
        })),
        events: result.events,
        summary() {
          const totals = result.totals();
          return { usage: totals.usage, costNanos: totals.costNanos.toString() };
        },
      };
    },
  };
}
