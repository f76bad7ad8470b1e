// The gateway pipeline for callers in the same process (the agent loop): the same route resolution, limits and
// budgets, usage ledger, prompt cache, strategy executor, breakers and stream continuation as POST /v1/messages,
// minus HTTP: the caller is already authenticated (it passes the Principal) and gets canonical events back.
import { randomUUID } from 'node:crypto';
import {
  toRampartError,
  type ChatRequest,
  type RampartError,
  type StreamEvent,
  type Usage,
} from '@rampart/spec';
import type { PriceBook } from '../pricing/price-book.js';
import type { RouteAttempt } from '../routing/route-attempt.js';
import type { Principal } from '../tenancy/principal.js';
import { ChatRun, meteringStart, type ChatCall, type ChatDeps, type StreamEnding } from './chat-run.js';
import { completionEvents } from './completion-events.js';
import { settleChat } from './settle-chat.js';

/** How one in-process chat call is made. */
export interface InProcessChatOptions {
  /** The authenticated caller; undefined only when the gateway runs without auth. */
  principal?: Principal;
  /** Logged, and the ledger's record id; default a random UUID. */
  requestId?: string;
  /** The agent thread the call serves (kept on the usage record). */
  threadId?: string;
  signal?: AbortSignal;
  /** A routing config for this call only, as JSON (what the x-rampart-config header carries). */
  routeConfig?: string;
}

/** A call in progress. `events` throws a RampartError on a failure the route could not heal. */
export interface InProcessChatResult {
  /** The target serving the call (a mid-stream continuation may move it: see `attempts`). */
  provider: string;
  model: string;
  /** Every target tried, in order, as the x-rampart-attempts header reports them. */
  attempts: RouteAttempt[];
  events: AsyncIterable<StreamEvent>;
  /** Usage and exact cost (nano-USD) of every upstream call made so far; final once `events` ended. */
  totals(): { usage: Usage; costNanos: bigint };
}

/** The in-process entry point of a gateway. */
export type InProcessChat = (
  request: ChatRequest,
  options?: InProcessChatOptions,
) => Promise<InProcessChatResult>;

/** Endpoint the in-process path counts as for key scopes and the ledger: the canonical (Anthropic-shaped) one. */
const ENDPOINT = 'messages';

// The agent decides what to do with a failure, so it gets the cut itself, not a quiet end or the news that no
// target was left for a continuation (HTTP differs: see StreamEnding).
const IN_PROCESS_ENDING: StreamEnding = { quietWhenDead: false, keepCutWhenNothingElseFailed: true };

/** Builds `gateway.chat` over the same dependencies as the HTTP chat routes. */
export function createInProcessChat(deps: ChatDeps, prices: PriceBook): InProcessChat {
  return async (request, options = {}) => {
    const requestId = options.requestId ?? randomUUID();
    const startedAt = performance.now();
    const principal = options.principal;
    const abort = new AbortController();
    const onAbort = (): void => abort.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    let chat: ChatRun | undefined;
    let ended = false;
    const end = (failure: RampartError | undefined): void => {
      if (ended) return;
      ended = true;
      options.signal?.removeEventListener('abort', onAbort);
      chat?.dispose();
      settleChat(deps, chat, {
        route: 'in-process',
        status: failure?.status ?? 200,
        failure,
        startedAt,
        requestId,
        principal,
        request,
        threadId: options.threadId,
        clientGone: abort.signal.aborted,
      });
    };
    // Without metering (auth off and no ledger) the answer's own usage, priced on the serving model, stands in.
    let observed: { model: string; usage: Usage } | undefined;
    const totals = (): { usage: Usage; costNanos: bigint } => {
      if (chat?.metered) {
        const t = chat.metered.meter.totals(prices);
        return { usage: t.usage, costNanos: t.costNanos };
      }
      if (observed === undefined) return { usage: {}, costNanos: 0n };
      return { usage: observed.usage, costNanos: prices.costOf(observed.model, observed.usage)?.nanos ?? 0n };
    };

    try {
      const call: ChatCall = {
        principal,
        endpoint: ENDPOINT,
        request,
        requestId,
        clientChoseRequestId: options.requestId !== undefined,
        threadId: options.threadId,
        headers: {},
        signal: abort.signal,
      };
      const route = await deps.routes.resolve(request.model, options.routeConfig, principal);
      const metered = await deps.metering?.begin(meteringStart(call, route));
      const run = new ChatRun(deps, call, route, metered);
      chat = run;

      if (!request.stream) {
        const result = await run.complete();
        run.served = result.leaf;
        observed = { model: result.leaf.candidate.upstreamModel, usage: result.value.usage };
        end(undefined);
        return {
          provider: result.leaf.candidate.provider.name,
          model: result.leaf.candidate.upstreamModel,
          attempts: run.attempts,
          events: completionEvents(result.value),
          totals,
        };
      }

      const first = await run.openStream();
      run.served = first.leaf;
      return {
        provider: first.leaf.candidate.provider.name,
        model: first.leaf.candidate.upstreamModel,
        attempts: run.attempts,
        events: (async function* () {
          let failure: RampartError | undefined;
          let completed = false;
          try {
            for await (const item of run.events(first, IN_PROCESS_ENDING)) {
              // The caller reads canonical events only; a continuation moves the serving target.
              if (item.type === 'continued') {
                run.served = item.leaf;
                continue;
              }
              if (item.type === 'finish' && run.served)
                observed = { model: run.served.candidate.upstreamModel, usage: item.usage };
              yield item;
            }
            completed = true;
          } catch (error) {
            failure = toRampartError(error);
            throw failure;
          } finally {
            // The caller stopped reading early: stop the upstream too; the ledger records the client as gone.
            if (!completed && failure === undefined) abort.abort(new Error('the caller stopped reading'));
            end(failure);
          }
        })(),
        totals,
      };
    } catch (error) {
      const failure = toRampartError(error);
      end(failure);
      throw failure;
    }
  };
}
