// Assembles the gateway: config → providers → resolver → HTTP routes. One instance per process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { anthropicInboundCodec, checkAnthropicVersionRules, openaiInboundCodec } from '@rampart/providers';
import type { GatewayConfig } from './config/gateway-config-schema.js';
import { handleChatRoute, type ChatRouteDeps, type InboundPrecheck } from './http/handle-chat-route.js';
import { createHealthRoute } from './http/handle-health-route.js';
import { handleModelsRoute } from './http/handle-models-route.js';
import { sendJson } from './http/send-json.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createProviderRegistry } from './providers/create-provider-registry.js';
import { ModelResolver } from './routing/resolve-model.js';
import { createUpstreamTransport, type UpstreamTransport } from './transport/upstream-transport.js';

/** Options for one gateway instance. */
export interface GatewayOptions {
  config: GatewayConfig;
  logger?: Logger;
  transport?: UpstreamTransport;
  /** Extra facts /health reports, e.g. that providers are simulated. */
  healthExtras?: () => Record<string, unknown>;
}

/** A running (or ready to run) gateway. */
export interface Gateway {
  server: Server;
  /** Starts listening; resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const anthropicPrecheck: InboundPrecheck = (headers, body) => {
  const version = headers['anthropic-version'];
  checkAnthropicVersionRules(typeof version === 'string' ? version : undefined, body);
};

/** Creates the gateway's HTTP server and everything behind it. */
export function createGateway(options: GatewayOptions): Gateway {
  const logger = options.logger ?? createLogger();
  const transport = options.transport ?? createUpstreamTransport();
  const registry = createProviderRegistry(options.config);
  const resolver = new ModelResolver(options.config, registry);
  const deps: ChatRouteDeps = { transport, resolver, logger, maxBodyBytes: options.config.server.maxBodyBytes };
  const health = createHealthRoute(registry, options.healthExtras);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && incomingId.length <= 128 ? incomingId : randomUUID();
    const path = req.url?.split('?', 1)[0] ?? '/';
    const key = `${req.method} ${path}`;
    switch (key) {
      case 'POST /v1/chat/completions':
        return handleChatRoute(openaiInboundCodec, deps, req, res, requestId);
      case 'POST /v1/messages':
        return handleChatRoute(anthropicInboundCodec, deps, req, res, requestId, anthropicPrecheck);
      case 'GET /v1/models':
        return handleModelsRoute(resolver, req, res, requestId);
      case 'GET /health':
        return health(res, requestId);
      default:
        req.resume();
        sendJson(
          res,
          404,
          { error: { message: `No route for ${req.method} ${path}.`, type: 'invalid_request_error', param: null, code: 'not_found' } },
          { 'x-request-id': requestId },
        );
    }
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    route(req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'unhandled error in route');
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'Internal error.', type: 'server_error' } });
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  return {
    server,
    listen(port = 0, host = '127.0.0.1') {
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
      await transport.close();
    },
  };
}
