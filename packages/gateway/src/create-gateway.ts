// Assembles the gateway: config → providers → resolver → HTTP routes. One instance per process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicInboundCodec, checkAnthropicVersionRules, openaiInboundCodec } from '@rampart/providers';
import type { GatewayConfig } from './config/gateway-config-schema.js';
import {
  handleChatRoute,
  type ChatInbound,
  type ChatRouteDeps,
  type InboundPrecheck,
} from './http/handle-chat-route.js';
import { createHealthRoute } from './http/handle-health-route.js';
import { handleModelsRoute } from './http/handle-models-route.js';
import type { ExtraRoute } from './http/extra-routes.js';
import { sendJson } from './http/send-json.js';
import { createLogger, type Logger } from './observability/logger.js';
import { GatewayMetrics } from './observability/gateway-metrics.js';
import { createPriceBook } from './pricing/price-book.js';
import { UsageMetering, type UsageMeteringOptions } from './ledger/usage-metering.js';
import { timeOrderedUuid } from './ledger/time-ordered-id.js';
import { createInProcessChat, type InProcessChat } from './pipeline/in-process-chat.js';
import { resolveWebhookSecrets } from './webhooks/webhook-config-schema.js';
import { adminUsageRoute, handleKeyUsageRoute } from './http/handle-usage-route.js';
import type { Store } from '@rampart/store';
import { priceOverrides } from './pricing/pricing-config-schema.js';
import { PromptCacheService } from './prompt-cache/prompt-cache-service.js';
import { createProviderRegistry } from './providers/create-provider-registry.js';
import { ModelResolver } from './routing/resolve-model.js';
import { RouteExecutor } from './routing/route-executor.js';
import { RouteResolver } from './routing/route-resolver.js';
import { createUpstreamTransport, type UpstreamTransport } from './transport/upstream-transport.js';
import { createRequestAuthenticator } from './tenancy/authenticate-request.js';
import type { GatewayTenancy } from './tenancy/gateway-tenancy.js';
import { TenancyRouteResolver } from './tenancy/tenancy-route-resolver.js';
import { handleAdminRoute, type AdminApi } from './admin/handle-admin-route.js';
import { CircuitBreakerRegistry, systemClock, type Clock, type Random } from '@rampart/resilience';
import { InProcessStateStore, type StateStore } from '@rampart/state';

/** Options for one gateway instance. */
export interface GatewayOptions {
  config: GatewayConfig;
  logger?: Logger;
  transport?: UpstreamTransport;
  /** Extra facts /health reports, e.g. that providers are simulated. */
  healthExtras?: () => Record<string, unknown>;
  /** Shared state for breakers (Redis across replicas); in-process by default. Not closed by the gateway. */
  state?: StateStore;
  clock?: Clock;
  random?: Random;
  /** Virtual keys and team credentials (createTenancy). Required unless config.auth.required is false. */
  tenancy?: GatewayTenancy;
  /** The admin API under /admin/v1 (token + tenancy); absent: those routes answer 404. */
  admin?: AdminApi;
  /** The durable store: with it every request that reaches an upstream is recorded in the usage ledger. */
  store?: Store;
  /** Tuning of the ledger's group commit, heartbeat and reconciliation (tests shorten them). */
  ledger?: Omit<
    UsageMeteringOptions,
    'state' | 'prices' | 'logger' | 'store' | 'webhooks' | 'now' | 'random'
  >;
  /** Where `env:NAME` webhook secrets are read (default process.env). */
  env?: Record<string, string | undefined>;
  /** Routes of other packages (the agent's threads API), tried in order before the 404. */
  extraRoutes?: readonly ExtraRoute[];
}

/** A running (or ready to run) gateway. */
export interface Gateway {
  server: Server;
  metrics: GatewayMetrics;
  breakers: CircuitBreakerRegistry;
  /**
   * Starts breakers, metering and the executor without listening (idempotent; listen calls it): a process that
   * only uses `chat` (a BullMQ worker) calls this first.
   */
  start(): Promise<void>;
  /** Starts (see start) and listens; resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Limits, budgets, ledger and webhooks. */
  metering: UsageMetering;
  /** The chat pipeline for callers in this process (the agent loop): same routing, limits, ledger, cache as HTTP. */
  chat: InProcessChat;
  close(): Promise<void>;
}

const anthropicPrecheck: InboundPrecheck = (headers, body) => {
  const version = headers['anthropic-version'];
  checkAnthropicVersionRules(typeof version === 'string' ? version : undefined, body);
};

const OPENAI_CHAT: ChatInbound<unknown> = { codec: openaiInboundCodec, endpoint: 'chat.completions' };
const ANTHROPIC_MESSAGES: ChatInbound<unknown> = {
  codec: anthropicInboundCodec,
  endpoint: 'messages',
  precheck: anthropicPrecheck,
};

/** Creates the gateway's HTTP server and everything behind it. */
export function createGateway(options: GatewayOptions): Gateway {
  const logger = options.logger ?? createLogger();
  const transport = options.transport ?? createUpstreamTransport();
  const clock = options.clock ?? systemClock;
  const { config } = options;
  if (config.auth.required && options.tenancy === undefined)
    // Failing closed: a gateway that should check keys but has nothing to check them against must not serve.
    throw new Error(
      'auth.required is on but the gateway was given no tenancy (key store): pass `tenancy`, or set auth.required false',
    );
  const registry = createProviderRegistry(config);
  const resolver = new ModelResolver(config, registry);
  const state = options.state ?? new InProcessStateStore({ clock });
  const breakers = new CircuitBreakerRegistry({
    store: state,
    clock,
    ...(options.random ? { random: options.random } : {}),
    // Ten in a row: a healthy target failing 10% of the time at random trips five in a row far too often
    // under load (found by bench:chaos), ten almost never; a dead target still opens within milliseconds.
    consecutiveFailures: config.breaker.consecutive_failures ?? 10,
    ...(config.breaker.failure_rate !== undefined ? { failureRate: config.breaker.failure_rate } : {}),
    ...(config.breaker.minimum_calls !== undefined ? { minimumCalls: config.breaker.minimum_calls } : {}),
    ...(config.breaker.window_ms !== undefined ? { windowMs: config.breaker.window_ms } : {}),
    ...(config.breaker.open_ms !== undefined ? { openMs: config.breaker.open_ms } : {}),
  });
  const metrics = new GatewayMetrics();
  const prices = createPriceBook(priceOverrides(config.pricing));
  const promptCache = new PromptCacheService(config.prompt_cache, prices, metrics);
  const metering = new UsageMetering({
    state,
    prices,
    logger,
    webhooks: resolveWebhookSecrets(config.webhooks, options.env ?? process.env),
    ...(options.store && config.ledger.enabled ? { store: options.store } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...options.ledger,
  });
  const auth = createRequestAuthenticator(options.tenancy, config.auth.required);
  const routes = new TenancyRouteResolver(
    new RouteResolver(resolver, config.routes),
    resolver,
    config.routes,
    options.tenancy,
  );
  const deps: ChatRouteDeps = {
    transport,
    auth,
    routes,
    executor: new RouteExecutor({ breakers, clock, random: options.random ?? Math.random, state }),
    clock,
    logger,
    metrics,
    promptCache,
    maxBodyBytes: config.server.maxBodyBytes,
    metering,
  };
  const health = createHealthRoute(registry, options.healthExtras);
  // Usage queries read the ledger, so they exist only where there is one.
  const store = options.store;
  const admin =
    options.admin && store
      ? {
          ...options.admin,
          extraRoutes: { ...options.admin.extraRoutes, 'GET /admin/v1/usage': adminUsageRoute(store) },
        }
      : options.admin;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const incomingId = req.headers['x-request-id'];
    const requestId =
      typeof incomingId === 'string' && incomingId.length <= 128 ? incomingId : timeOrderedUuid();
    const path = req.url?.split('?', 1)[0] ?? '/';
    if (path.startsWith('/admin/')) return handleAdminRoute(admin, req, res, requestId, logger);
    const key = `${req.method} ${path}`;
    switch (key) {
      case 'POST /v1/chat/completions':
        return handleChatRoute(OPENAI_CHAT, deps, req, res, requestId);
      case 'POST /v1/messages':
        return handleChatRoute(ANTHROPIC_MESSAGES, deps, req, res, requestId);
      case 'GET /v1/models':
        return handleModelsRoute(resolver, { auth, routes }, req, res, requestId);
      case 'GET /v1/usage':
        return handleKeyUsageRoute({ auth, store }, req, res, requestId);
      case 'GET /health':
        return health(res, requestId);
      case 'GET /metrics': {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
        return;
      }
      default:
        for (const extra of options.extraRoutes ?? []) {
          if (
            await extra(req, res, {
              requestId,
              authenticate: (h) => auth.authenticate(h, 'chat.completions'),
            })
          )
            return;
        }
        req.resume();
        sendJson(
          res,
          404,
          {
            error: {
              message: `No route for ${req.method} ${path}.`,
              type: 'invalid_request_error',
              param: null,
              code: 'not_found',
            },
          },
          { 'x-request-id': requestId },
        );
    }
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    route(req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'unhandled error in route');
      if (!res.headersSent)
        sendJson(res, 500, { error: { message: 'Internal error.', type: 'server_error' } });
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  // One start however many callers (listen, a worker's start, both): metering registers this instance once.
  let started: Promise<void> | undefined;
  const start = (): Promise<void> =>
    (started ??= (async () => {
      await breakers.start();
      await metering.start();
      await deps.executor.start();
    })());

  return {
    server,
    metrics,
    breakers,
    metering,
    chat: createInProcessChat(deps, prices),
    start,
    async listen(port = 0, host = '127.0.0.1') {
      await start();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
        });
      });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await metering.close();
      await breakers.close();
      await deps.executor.close();
      await transport.close();
      if (!options.state) await state.close();
    },
  };
}
