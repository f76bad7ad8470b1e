// POST /v1/chat/completions and POST /v1/messages: decode in the client's format, route, answer in the
// client's format. The only place where errors become HTTP responses for these routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toRampartError, type ChatRequest, type RampartError } from '@rampart/spec';
import type { InboundCodec } from '@rampart/providers';
import { Deadline, type Clock } from '@rampart/resilience';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import { promptCacheScope, type CacheForCall } from '../prompt-cache/prompt-cache-scope.js';
import type { PromptCacheService } from '../prompt-cache/prompt-cache-service.js';
import type { Logger } from '../observability/logger.js';
import { completeOnce } from '../pipeline/call-upstream.js';
import { openPrimedStream, type PrimedStream } from '../pipeline/open-primed-stream.js';
import { relayRoutedStream } from '../pipeline/relay-routed-stream.js';
import type { CompiledRoute, RouteLeaf } from '../routing/compile-route.js';
import { formatAttemptsHeader, type RouteAttempt } from '../routing/route-attempt.js';
import type { AttemptFn, RouteExecutor, RouteRun } from '../routing/route-executor.js';
import type { RequestAuthenticator } from '../tenancy/authenticate-request.js';
import type { Endpoint, Principal } from '../tenancy/principal.js';
import type { TenancyRouteResolver } from '../tenancy/tenancy-route-resolver.js';
import type { UpstreamTransport } from '../transport/upstream-transport.js';
import { requestLog } from '../observability/request-log.js';
import { readJsonBody } from './read-json-body.js';
import { LimitExceededError } from '../limits/limit-exceeded-error.js';
import { tagUpstreamRequests } from '../ledger/tag-upstream-requests.js';
import { threadIdOf, type MeteredRequest, type UsageMetering } from '../ledger/usage-metering.js';
import { sendJson } from './send-json.js';

/** What the chat routes need from the gateway. */
export interface ChatRouteDeps {
  transport: UpstreamTransport;
  /** Who is calling: a Principal, or undefined when auth is off and no key was presented. */
  auth: RequestAuthenticator;
  /** Routes per caller: header, the key's own route, or the config file's; cut to the key's scopes. */
  routes: TenancyRouteResolver;
  executor: RouteExecutor;
  clock: Clock;
  logger: Logger;
  metrics: GatewayMetrics;
  promptCache: PromptCacheService;
  maxBodyBytes: number;
  /** Limits, budgets and the usage ledger (absent: none of them). */
  metering?: UsageMetering;
}

/** A format-specific check of the raw request before decoding (e.g. Anthropic's version rules). */
export type InboundPrecheck = (headers: IncomingMessage['headers'], body: unknown) => void;

/** One inbound chat protocol: its codec, the endpoint scopes name it by, and its own raw-request checks. */
export interface ChatInbound<Options> {
  codec: InboundCodec<Options>;
  endpoint: Endpoint;
  precheck?: InboundPrecheck;
}

/** Serves one chat request end to end. Never throws: every failure is answered in the client's protocol. */
export async function handleChatRoute<Options>(
  inbound: ChatInbound<Options>,
  deps: ChatRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const { codec, precheck } = inbound;
  const startedAt = performance.now();
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(new Error('the client went away'));
  });
  let request: ChatRequest | undefined;
  let run: RouteRun | undefined;
  let served: RouteLeaf | undefined;
  let failure: RampartError | undefined;
  // The authenticated caller (undefined when auth is off): limits, budgets and the ledger read it from here.
  let principal: Principal | undefined;
  let metered: MeteredRequest | undefined;
  try {
    principal = await deps.auth.authenticate(req.headers, inbound.endpoint);
    const body = await readJsonBody(req, deps.maxBodyBytes);
    precheck?.(req.headers, body);
    const decoded = codec.decodeRequest(body);
    request = decoded.request;
    const header = req.headers['x-rampart-config'];
    const route = await deps.routes.resolve(
      request.model,
      typeof header === 'string' ? header : undefined,
      principal,
    );
    // Admission (limits, budgets) and the durable pending row, before any upstream call.
    metered = await deps.metering?.begin({
      principal,
      endpoint: inbound.endpoint,
      request,
      route,
      requestId,
      clientChoseRequestId: req.headers['x-request-id'] === requestId,
      threadId: threadIdOf(req.headers['x-rampart-thread-id']),
    });
    const transport = tagUpstreamRequests(deps.transport, metered?.ledgerId ?? requestId);
    const deadline =
      route.deadlineMs === undefined
        ? Deadline.none({ clock: deps.clock, signal: abort.signal })
        : Deadline.after(route.deadlineMs, { clock: deps.clock, signal: abort.signal });
    run = { deadline, attempts: [] };
    const scope = promptCacheScope(deps.promptCache, req.headers, principal);
    const cacheFor = metered ? metered.meter.wrap(scope) : scope;
    try {
      if (!request.stream) {
        const result = await deps.executor.run(
          route.root,
          request,
          (leaf, leafRequest, signal) =>
            completeOnce(transport, leafRequest, leaf.candidate, signal, cacheFor(leaf.candidate)),
          run,
        );
        served = result.leaf;
        sendJson(
          res,
          200,
          codec.encodeResponse(result.value, decoded.options),
          transparencyHeaders(requestId, result.leaf, run.attempts),
        );
      } else {
        const attempt = primedAttempt({ ...deps, transport }, route, cacheFor);
        const result = await deps.executor.run(route.root, request, attempt, run);
        served = result.leaf;
        const routeRun = run;
        await relayRoutedStream(result, {
          request,
          attempts: run.attempts,
          encoder: codec.createStreamEncoder(decoded.options),
          res,
          headers: transparencyHeaders(requestId, result.leaf, run.attempts),
          requestId,
          isLive: () => !routeRun.deadline.signal.aborted,
          continueElsewhere: (continuation, exclude) =>
            deps.executor.run(route.root, continuation, attempt, { ...routeRun, exclude }),
        });
      }
    } finally {
      deadline.dispose();
    }
  } catch (thrown) {
    failure = toRampartError(thrown);
    // Refused before the body was read (auth): drain it so the connection stays usable.
    if (!req.readableEnded) req.resume();
    if (!res.headersSent) {
      const encoded = codec.encodeError(failure, requestId);
      const headers = run
        ? transparencyHeaders(requestId, undefined, run.attempts)
        : { 'x-request-id': requestId };
      const limitHeaders = failure instanceof LimitExceededError ? failure.headers : {};
      sendJson(res, encoded.status, encoded.body, { ...encoded.headers, ...headers, ...limitHeaders });
    } else if (!res.writableEnded) {
      res.end();
    }
  }
  finish(deps, req, res, requestId, startedAt, request, run?.attempts ?? [], served, failure, principal);
  if (metered)
    deps.metering?.end(metered, {
      attempts: run?.attempts ?? [],
      served,
      httpStatus: res.statusCode,
      errorCode: failure?.code,
      streamed: request?.stream === true,
      clientGone: abort.signal.aborted,
    });
}

function primedAttempt(
  deps: ChatRouteDeps,
  route: CompiledRoute,
  cacheFor: CacheForCall,
): AttemptFn<PrimedStream> {
  return (leaf, leafRequest, signal) =>
    openPrimedStream(
      deps.transport,
      leaf,
      leafRequest,
      signal,
      route.firstTokenTimeoutMs,
      deps.clock,
      cacheFor(leaf.candidate),
    );
}

/** Which target served, and everything that was tried on the way. */
function transparencyHeaders(
  requestId: string,
  leaf: RouteLeaf | undefined,
  attempts: readonly RouteAttempt[],
): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (leaf) {
    headers['x-rampart-provider'] = leaf.candidate.provider.name;
    headers['x-rampart-model'] = leaf.candidate.upstreamModel;
  }
  if (attempts.length > 0) headers['x-rampart-attempts'] = formatAttemptsHeader(attempts);
  if (attempts.length > 1) headers['x-rampart-fallback'] = 'true';
  return headers;
}

function finish(
  deps: ChatRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  startedAt: number,
  request: ChatRequest | undefined,
  attempts: readonly RouteAttempt[],
  served: RouteLeaf | undefined,
  error: RampartError | undefined,
  principal: Principal | undefined,
): void {
  const durationMs = performance.now() - startedAt;
  const route = req.url?.split('?', 1)[0] ?? '';
  deps.metrics.recordAttempts(attempts);
  deps.metrics.recordRequest(route, res.statusCode, durationMs / 1000);
  const level = error === undefined ? 'info' : error.status >= 500 ? 'error' : 'warn';
  if (!deps.logger.isLevelEnabled(level)) return;
  requestLog(deps.logger)[level](
    {
      requestId,
      route,
      status: res.statusCode,
      keyId: principal?.keyId,
      userId: principal?.userId,
      model: request?.model,
      stream: request?.stream,
      provider: served?.candidate.provider.name,
      upstreamModel: served?.candidate.upstreamModel,
      attempts,
      durationMs: Math.round(durationMs * 100) / 100,
      ...(error
        ? {
            errorCode: error.code,
            error: error.message,
            ...(error.status >= 500 && error.cause instanceof Error ? { cause: error.cause.message } : {}),
          }
        : {}),
    },
    error ? 'request failed' : 'request served',
  );
}
