// One chat request's run through the gateway, shared by the HTTP chat routes and gateway.chat. Once the edge has
// resolved the route and metering has admitted the call, the run owns the rest: the deadline, the prompt-cache
// scope, the executor (a whole answer, or a stream held until its first content) and mid-stream continuation, and
// it keeps what settling needs (attempts, the serving leaf, the meter).
// Route resolution and admission stay awaited at the edges (see meteringStart): wrapped in one async helper they
// would add a promise and an await to every non-streamed HTTP request, the path bench:gateway measures.
import type { IncomingHttpHeaders } from 'node:http';
import {
  toRampartError,
  type ChatRequest,
  type ChatResponse,
  type RampartError,
  type StreamEvent,
} from '@rampart/spec';
import { Deadline, type Clock } from '@rampart/resilience';
import { tagUpstreamRequests } from '../ledger/tag-upstream-requests.js';
import type { MeteredRequest, MeteringStart, UsageMetering } from '../ledger/usage-metering.js';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { Logger } from '../observability/logger.js';
import { promptCacheScope, type CacheForCall } from '../prompt-cache/prompt-cache-scope.js';
import type { PromptCacheService } from '../prompt-cache/prompt-cache-service.js';
import type { CompiledRoute, RouteLeaf } from '../routing/compile-route.js';
import type { RouteAttempt } from '../routing/route-attempt.js';
import type { AttemptFn, RouteExecutor, RouteRun, Served } from '../routing/route-executor.js';
import type { Endpoint, Principal } from '../tenancy/principal.js';
import type { TenancyRouteResolver } from '../tenancy/tenancy-route-resolver.js';
import type { UpstreamTransport } from '../transport/upstream-transport.js';
import { completeOnce } from './call-upstream.js';
import { openPrimedStream, type PrimedStream } from './open-primed-stream.js';
import { StreamProgress } from './stream-continuation.js';

/** What a chat run needs from the gateway. */
export interface ChatDeps {
  transport: UpstreamTransport;
  /** Routes per caller: header, the key's own route, or the config file's; cut to the key's scopes. */
  routes: TenancyRouteResolver;
  executor: RouteExecutor;
  clock: Clock;
  logger: Logger;
  metrics: GatewayMetrics;
  promptCache: PromptCacheService;
  /** Limits, budgets and the usage ledger (absent: none of them). */
  metering?: UsageMetering;
}

/** One chat call as the edge received it. */
export interface ChatCall {
  /** The authenticated caller; undefined when auth is off. Limits, budgets and the ledger read it. */
  principal: Principal | undefined;
  /** What key scopes and the ledger name the call by. */
  endpoint: Endpoint;
  request: ChatRequest;
  requestId: string;
  clientChoseRequestId: boolean;
  threadId: string | undefined;
  /** The request's headers (gateway.chat: none): the prompt cache reads its per-request switch here. */
  headers: IncomingHttpHeaders;
  /** Aborted when the caller goes away: stops every upstream call. */
  signal: AbortSignal;
}

/** A continuation took over the stream, after `after` cut the previous target. */
export interface StreamContinued {
  type: 'continued';
  leaf: RouteLeaf;
  after: RampartError;
}

/**
 * How a stream ends when it cannot be continued. The two edges have always differed here; both rules are kept.
 */
export interface StreamEnding {
  /** Deadline passed or caller gone: HTTP just ends the response (nobody to tell); gateway.chat throws the cut. */
  quietWhenDead: boolean;
  /**
   * No target left for a continuation: gateway.chat throws the cut itself unless another target failed after it
   * (an overload stays an overload, so the agent can degrade to non-streaming); HTTP sends the continuation's error.
   */
  keepCutWhenNothingElseFailed: boolean;
}

/** What metering is told at the start; built only when metering is on (the edges call it inside `?.begin(…)`). */
export function meteringStart(call: ChatCall, route: CompiledRoute): MeteringStart {
  return {
    principal: call.principal,
    endpoint: call.endpoint,
    request: call.request,
    route,
    requestId: call.requestId,
    clientChoseRequestId: call.clientChoseRequestId,
    threadId: call.threadId,
  };
}

/** A chat request from admission to its last upstream event. It is the executor's RouteRun, too. */
export class ChatRun implements RouteRun {
  readonly deadline: Deadline;
  /** Every target tried or skipped, in order, across continuations (the x-rampart-attempts header). */
  readonly attempts: RouteAttempt[] = [];
  /** The target that served; set by the edge (whether a continuation moves it is the edge's choice). */
  served: RouteLeaf | undefined;
  readonly metered: MeteredRequest | undefined;
  readonly #deps: ChatDeps;
  readonly #request: ChatRequest;
  readonly #route: CompiledRoute;
  readonly #transport: UpstreamTransport;
  readonly #cacheFor: CacheForCall;
  #primed: AttemptFn<PrimedStream> | undefined;

  constructor(deps: ChatDeps, call: ChatCall, route: CompiledRoute, metered: MeteredRequest | undefined) {
    this.#deps = deps;
    this.#request = call.request;
    this.#route = route;
    this.metered = metered;
    this.#transport = tagUpstreamRequests(deps.transport, metered?.ledgerId ?? call.requestId);
    this.deadline =
      route.deadlineMs === undefined
        ? Deadline.none({ clock: deps.clock, signal: call.signal })
        : Deadline.after(route.deadlineMs, { clock: deps.clock, signal: call.signal });
    const scope = promptCacheScope(deps.promptCache, call.headers, call.principal);
    // Metering wraps the cache hooks to see every upstream call's usage (the ledger, gateway.chat's totals()).
    this.#cacheFor = metered ? metered.meter.wrap(scope) : scope;
  }

  /** Whether the request may still be served (deadline not passed, caller still there). */
  get live(): boolean {
    return !this.deadline.signal.aborted;
  }

  /** Runs the route for a whole answer. Not async: the edge's await is the only one. */
  complete(): Promise<Served<ChatResponse>> {
    const transport = this.#transport;
    const cacheFor = this.#cacheFor;
    return this.#deps.executor.run(
      this.#route.root,
      this.#request,
      (leaf, leafRequest, signal) =>
        completeOnce(transport, leafRequest, leaf.candidate, signal, cacheFor(leaf.candidate)),
      this,
    );
  }

  /** Runs the route for a stream, held until its first content so that fallback stays invisible. */
  openStream(): Promise<Served<PrimedStream>> {
    const { clock } = this.#deps;
    const transport = this.#transport;
    const cacheFor = this.#cacheFor;
    const { firstTokenTimeoutMs } = this.#route;
    this.#primed = (leaf, leafRequest, signal) =>
      openPrimedStream(
        transport,
        leaf,
        leafRequest,
        signal,
        firstTokenTimeoutMs,
        clock,
        cacheFor(leaf.candidate),
      );
    return this.#deps.executor.run(this.#route.root, this.#request, this.#primed, this);
  }

  /**
   * The client-visible stream that starts with `first`: a stream cut after text continues on the next target
   * with the text so far as prefill (when no tool call was in flight), renumbered into the blocks already sent,
   * with a `continued` item where it happened. Throws the failure that ends it, per `ending`.
   */
  async *events(
    first: Served<PrimedStream>,
    ending: StreamEnding,
  ): AsyncGenerator<StreamEvent | StreamContinued> {
    const progress = new StreamProgress();
    const failed = new Set<RouteLeaf>();
    let current = first;
    for (;;) {
      let error: RampartError | undefined;
      try {
        for (const event of current.value.head) {
          const translated = progress.accept(event);
          if (translated !== undefined) yield translated;
        }
        for (;;) {
          const next = await current.value.rest.next();
          if (next.done) return;
          const translated = progress.accept(next.value);
          if (translated !== undefined) yield translated;
        }
      } catch (thrown) {
        error = toRampartError(thrown);
      }
      if (!this.live) {
        if (ending.quietWhenDead) return;
        throw error;
      }
      void current.breaker.recordFailure(current.permit);
      const { leaf } = current;
      this.attempts.push({
        path: leaf.path,
        provider: leaf.candidate.provider.name,
        model: leaf.candidate.upstreamModel,
        outcome: 'failed',
        reason: error.code,
        status: error.status,
        durationMs: 0,
      });
      failed.add(leaf);
      if (progress.sawToolCall || !error.retryable) throw error;
      const tried = this.attempts.length;
      // Always from the caller's own request: `progress` holds every piece of text sent so far.
      const continuation = progress.continueFrom(this.#request);
      try {
        current = await this.#deps.executor.run(this.#route.root, continuation, this.#primed!, {
          deadline: this.deadline,
          attempts: this.attempts,
          exclude: failed,
        });
      } catch (thrown) {
        const othersFailed = this.attempts.slice(tried).some((a) => a.outcome === 'failed');
        throw ending.keepCutWhenNothingElseFailed && !othersFailed ? error : toRampartError(thrown);
      }
      yield { type: 'continued', leaf: current.leaf, after: error };
    }
  }

  /** Stops the deadline's timer; the run is over. */
  dispose(): void {
    this.deadline.dispose();
  }
}
