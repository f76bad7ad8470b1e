// The production ModelClient: model calls go through the gateway pipeline in this process (gateway.chat) — the
// same routing, limits and budgets, usage ledger and prompt cache as the gateway's HTTP API, without a socket.
import type { Gateway, Principal } from '@rampart/gateway';
import type { ModelCall, ModelCallOptions, ModelClient } from '../loop/agent-run-types.js';

/** Creates a ModelClient over a gateway in the same process. */
export function createGatewayModel(gateway: Pick<Gateway, 'chat'>): ModelClient {
  return {
    async call(request, options: ModelCallOptions): Promise<ModelCall> {
      const result = await gateway.chat(
        { ...request, stream: options.stream },
        {
          // The runner hands the loop the Principal the gateway's authentication returned; the seam only names
          // the fields the loop itself needs.
          ...(options.principal ? { principal: options.principal as Principal } : {}),
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
