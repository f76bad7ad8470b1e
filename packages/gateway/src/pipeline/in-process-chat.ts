// The gateway pipeline for callers in the same process (the agent loop): the same route resolution, limits and
// budgets, usage ledger, prompt cache, strategy executor, breakers and stream continuation as POST /v1/messages,
// minus HTTP: the caller is already authenticated (it passes the Principal) and gets canonical events back.
import { randomUUID } from 'node:crypto';
import {
  toRampartError,
  type ChatRequest,
  type ChatResponse,
  type RampartError,
  type StreamEvent,
  type Usage,
} from '@rampart/spec';
import { Deadline } from '@rampart/resilience';
import type { ChatRouteDeps } from '../http/handle-chat-route.js';
import { tagUpstreamRequests } from '../ledger/tag-upstream-requests.js';
import type { MeteredRequest } from '../ledger/usage-metering.js';
import type { PriceBook } from '../pricing/price-book.js';
import { promptCacheScope } from '../prompt-cache/prompt-cache-scope.js';
import type { RouteLeaf } from '../routing/compile-route.js';
import type { RouteAttempt } from '../routing/route-attempt.js';
import type { AttemptFn, RouteRun } from '../routing/route-executor.js';
import type { Principal } from '../tenancy/principal.js';
import { completeOnce } from './call-upstream.js';
import { openPrimedStream, type PrimedStream } from './open-primed-stream.js';
import { routedStreamEvents } from './routed-stream-events.js';

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

/** Builds `gateway.chat` over the same dependencies as the HTTP chat routes. */
export function createInProcessChat(deps: ChatRouteDeps, prices: PriceBook): InProcessChat {
  return async (request, options = {}) => {
    const requestId = options.requestId ?? randomUUID();
    const startedAt = performance.now();
    const principal = options.principal;
    const abort = new AbortController();
    const onAbort = (): void => abort.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    let metered: MeteredRequest | undefined;
    let run: RouteRun | undefined;
    let served: RouteLeaf | undefined;
    let ended = false;
    const end = (failure: RampartError | undefined): void => {
      if (ended) return;
      ended = true;
      options.signal?.removeEventListener('abort', onAbort);
      run?.deadline.dispose();
      const attempts = run?.attempts ?? [];
      const status = failure?.status ?? 200;
      deps.metrics.recordAttempts(attempts);
      deps.metrics.recordRequest('in-process', status, (performance.now() - startedAt) / 1000);
      const level = failure === undefined ? 'info' : failure.status >= 500 ? 'error' : 'warn';
      if (deps.logger.isLevelEnabled(level)) {
        deps.logger[level](
          {
            requestId,
            route: 'in-process',
            status,
            keyId: principal?.keyId,
            userId: principal?.userId,
            threadId: options.threadId,
            model: request.model,
            stream: request.stream,
            provider: served?.candidate.provider.name,
            upstreamModel: served?.candidate.upstreamModel,
            attempts,
            durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
            ...(failure ? { errorCode: failure.code, error: failure.message } : {}),
          },
          failure ? 'request failed' : 'request served',
        );
      }
      if (metered) {
        deps.metering?.end(metered, {
          attempts,
          served,
          httpStatus: status,
          errorCode: failure?.code,
          streamed: request.stream,
          clientGone: abort.signal.aborted,
        });
      }
    };
    // Without metering (auth off and no ledger) the answer's own usage, priced on the serving model, stands in.
    let observed: { model: string; usage: Usage } | undefined;
    const totals = (): { usage: Usage; costNanos: bigint } => {
      if (metered) {
        const t = metered.meter.totals(prices);
        return { usage: t.usage, costNanos: t.costNanos };
      }
      if (observed === undefined) return { usage: {}, costNanos: 0n };
      return { usage: observed.usage, costNanos: prices.costOf(observed.model, observed.usage)?.nanos ?? 0n };
    };

    try {
      const route = await deps.routes.resolve(request.model, options.routeConfig, principal);
      metered = await deps.metering?.begin({
        principal,
        endpoint: ENDPOINT,
        request,
        route,
        requestId,
        clientChoseRequestId: options.requestId !== undefined,
        threadId: options.threadId,
      });
      const transport = tagUpstreamRequests(deps.transport, metered?.ledgerId ?? requestId);
      const deadline =
        route.deadlineMs === undefined
          ? Deadline.none({ clock: deps.clock, signal: abort.signal })
          : Deadline.after(route.deadlineMs, { clock: deps.clock, signal: abort.signal });
      const routeRun: RouteRun = { deadline, attempts: [] };
      run = routeRun;
      const scope = promptCacheScope(deps.promptCache, {}, principal);
      // Metering wraps the cache hooks to see every upstream call's usage (ledger and totals()).
      const cacheFor = metered ? metered.meter.wrap(scope) : scope;

      if (!request.stream) {
        const result = await deps.executor.run(
          route.root,
          request,
          (leaf, leafRequest, signal) =>
            completeOnce(transport, leafRequest, leaf.candidate, signal, cacheFor(leaf.candidate)),
          routeRun,
        );
        served = result.leaf;
        observed = { model: result.leaf.candidate.upstreamModel, usage: result.value.usage };
        end(undefined);
        return {
          provider: result.leaf.candidate.provider.name,
          model: result.leaf.candidate.upstreamModel,
          attempts: routeRun.attempts,
          events: responseEvents(result.value),
          totals,
        };
      }

      const attempt: AttemptFn<PrimedStream> = (leaf, leafRequest, signal) =>
        openPrimedStream(
          transport,
          leaf,
          leafRequest,
          signal,
          route.firstTokenTimeoutMs,
          deps.clock,
          cacheFor(leaf.candidate),
        );
      const first = await deps.executor.run(route.root, request, attempt, routeRun);
      served = first.leaf;
      const events = routedStreamEvents(first, {
        request,
        attempts: routeRun.attempts,
        isLive: () => !deadline.signal.aborted,
        continueElsewhere: (continuation, exclude) =>
          deps.executor.run(route.root, continuation, attempt, { ...routeRun, exclude }),
        onContinued: (leaf) => {
          served = leaf;
        },
      });
      return {
        provider: first.leaf.candidate.provider.name,
        model: first.leaf.candidate.upstreamModel,
        attempts: routeRun.attempts,
        events: (async function* () {
          let failure: RampartError | undefined;
          let completed = false;
          try {
            for await (const event of events) {
              if (event.type === 'finish' && served)
                observed = { model: served.candidate.upstreamModel, usage: event.usage };
              yield event;
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

async function* responseEvents(response: ChatResponse): AsyncGenerator<StreamEvent> {
  yield { type: 'start', id: response.id, model: response.model };
  for (const [index, part] of response.content.entries()) {
    if (part.type === 'text') {
      yield { type: 'text_start', index };
      yield { type: 'text_delta', index, text: part.text };
    } else {
      yield { type: 'tool_call_start', index, id: part.id, name: part.name };
      yield { type: 'tool_call_delta', index, json: JSON.stringify(part.input) };
    }
    yield { type: 'block_end', index };
  }
  yield {
    type: 'finish',
    stopReason: response.stopReason,
    ...(response.stopSequence === undefined ? {} : { stopSequence: response.stopSequence }),
    usage: response.usage,
  };
}
