// The only way out of a sandbox: an HTTP proxy on a host unix socket, bind-mounted into the sandbox where socat
// exposes it as 127.0.0.1:3128. It forwards plain HTTP and tunnels CONNECT (HTTPS, or any TCP such as Redis) to
// allowlisted destinations, answers 403 to everything else, and audits every request, allowed or not.
// Secrets never pass through here in the clear for HTTPS (no MITM): the sandbox holds only its virtual key.
// Who is behind a proxy is the socket it listens on (one socket per sandbox, bind-mounted into that sandbox only),
// never anything in the request, so sandboxed code cannot forge the identity its requests are audited under.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { EgressAllowlist } from './egress-allowlist.js';

/** Who is behind a proxy: every audit record carries it. */
export interface EgressIdentity {
  sandboxId: string;
  threadId: string;
  userId: string;
  tenantId?: string;
}

/** One audited request. */
export interface EgressAuditRecord extends EgressIdentity {
  at: string;
  /** HTTP method, or CONNECT for tunnels. */
  method: string;
  host: string;
  port: number;
  allowed: boolean;
  /** HTTP status we or the upstream answered; 0 when the connection failed before one. */
  status: number;
  /** Bytes sent by the sandbox (request body / tunnel upload). */
  bytesOut: number;
  /** Bytes returned to the sandbox (response body / tunnel download). */
  bytesIn: number;
  durationMs: number;
  /** Why it was refused or failed. */
  reason?: string;
}

/** Receives audit records; must not throw. */
export type EgressAuditSink = (record: EgressAuditRecord) => void;

/** Options of one egress proxy. */
export interface EgressProxyOptions {
  /** Host unix socket to listen on (replaced if stale). */
  socketPath: string;
  /** Who is behind it; undefined = not yet bound to a thread (a warm sandbox): every request is refused. */
  identity: EgressIdentity | undefined;
  /** Allowed destinations; typically just the Rampart gateway (see EgressAllowlist for the syntax). */
  allow: readonly string[];
  /**
   * Virtual host names resolved by the proxy, e.g. { 'gateway.rampart.internal': { host: '127.0.0.1', port: 8080 } }:
   * the sandbox uses a stable name and never learns (or needs to reach) the host's real addresses. Aliases are
   * allowed implicitly.
   */
  aliases?: Record<string, { host: string; port: number }>;
  audit: EgressAuditSink;
  /** Idle timeout of a request or tunnel (default 5 minutes). */
  idleTimeoutMs?: number;
}

/** A running egress proxy. */
export interface EgressProxy {
  socketPath: string;
  /** The identity requests are audited under now. */
  readonly identity: EgressIdentity | undefined;
  /**
   * Binds the proxy to another identity and allowlist (a warm sandbox given to a thread, a kernel restarted under
   * a new sandbox id). Requests from then on are audited and allowed as the new identity.
   */
  assign(identity: EgressIdentity, allow: readonly string[]): void;
  close(): Promise<void>;
}

/** Request headers the proxy sets on what it forwards to an alias (the gateway): attribution it vouches for. */
export const EGRESS_THREAD_HEADER = 'x-rampart-thread-id';
export const EGRESS_SANDBOX_HEADER = 'x-rampart-sandbox-id';

const UNBOUND: EgressIdentity = { sandboxId: '', threadId: '', userId: '' };

// Hop-by-hop and proxy headers are for us, not for the destination (RFC 9110 §7.6.1).
const ATTRIBUTION_HEADERS = new Set(['x-rampart-thread-id', 'x-rampart-sandbox-id']);

const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Starts an egress proxy on options.socketPath. */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  let identity = options.identity;
  let allowlist = new EgressAllowlist(options.allow);
  const aliases = new Map(
    Object.entries(options.aliases ?? {}).map(([name, target]) => [name.toLowerCase(), target]),
  );
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  const sockets = new Set<Duplex>();

  const audit = (fields: Omit<EgressAuditRecord, keyof EgressIdentity | 'at'>): void => {
    try {
      options.audit({ ...(identity ?? UNBOUND), at: new Date().toISOString(), ...fields });
    } catch {
      // An audit sink failure must not take the proxy down; the sink owns its own error reporting.
    }
  };
  // Resolves the destination: an alias, or the host itself when allowlisted. Nothing before a thread is bound.
  const route = (host: string, port: number): { host: string; port: number; alias: boolean } | undefined => {
    if (identity === undefined) return undefined;
    const alias = aliases.get(host.toLowerCase());
    if (alias !== undefined) return { ...alias, alias: true };
    return allowlist.allows(host, port) ? { host, port, alias: false } : undefined;
  };
  const refusal = (): string =>
    identity === undefined ? 'sandbox not bound to a thread' : 'host not allowlisted';

  const server = createServer({ requestTimeout: 0 }, (req, res) => forwardHttp(req, res));
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => tunnel(req, client, head));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  function forwardHttp(req: IncomingMessage, res: ServerResponse): void {
    const started = Date.now();
    const method = req.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(req.url ?? '');
      if (url.protocol !== 'http:') throw new Error('not http');
    } catch {
      // Origin-form requests are not proxy requests; https:// must use CONNECT.
      audit({
        method,
        host: '',
        port: 0,
        allowed: false,
        status: 400,
        bytesOut: 0,
        bytesIn: 0,
        durationMs: 0,
        reason: 'not an absolute http:// URL',
      });
      res.writeHead(400).end('egress proxy: absolute http:// URL required (use CONNECT for https)\n');
      return;
    }
    const port = url.port === '' ? 80 : Number(url.port);
    const host = url.hostname;
    const target = route(host, port);
    if (target === undefined) {
      audit({
        method,
        host,
        port,
        allowed: false,
        status: 403,
        bytesOut: 0,
        bytesIn: 0,
        durationMs: Date.now() - started,
        reason: refusal(),
      });
      res
        .writeHead(403, { 'content-type': 'text/plain' })
        .end(`egress proxy: ${host}:${port} is not allowed for this sandbox\n`);
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_HEADERS.has(name) && !ATTRIBUTION_HEADERS.has(name))
        headers[name] = value;
    }
    // The gateway learns which thread a call comes from from us, not from the sandbox (whose copies were dropped).
    if (target.alias && identity !== undefined) {
      headers[EGRESS_THREAD_HEADER] = identity.threadId;
      headers[EGRESS_SANDBOX_HEADER] = identity.sandboxId;
    }
    let bytesOut = 0;
    let bytesIn = 0;
    let status = 0;
    let finished = false;
    const finish = (reason?: string): void => {
      if (finished) return;
      finished = true;
      audit({
        method,
        host,
        port,
        allowed: true,
        status,
        bytesOut,
        bytesIn,
        durationMs: Date.now() - started,
        ...(reason === undefined ? {} : { reason }),
      });
    };
    const upstream = httpRequest(
      {
        host: target.host,
        port: target.port,
        method,
        path: `${url.pathname}${url.search}`,
        headers,
        timeout: idleTimeoutMs,
      },
      (response) => {
        status = response.statusCode ?? 502;
        const responseHeaders: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined && !HOP_HEADERS.has(name)) responseHeaders[name] = value;
        }
        res.writeHead(status, responseHeaders);
        response.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
        response.pipe(res);
        response.once('end', () => finish());
        response.once('error', (error) => finish(error.message));
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('upstream idle timeout')));
    upstream.on('error', (error) => {
      if (!res.headersSent) {
        status = 502;
        res.writeHead(502).end(`egress proxy: ${host}:${port} failed: ${error.message}\n`);
      } else {
        res.destroy();
      }
      finish(error.message);
    });
    req.on('data', (chunk: Buffer) => (bytesOut += chunk.length));
    req.pipe(upstream);
    res.once('close', () => {
      if (!finished) {
        upstream.destroy();
        finish('client closed');
      }
    });
  }

  function tunnel(req: IncomingMessage, client: Duplex, head: Buffer): void {
    const started = Date.now();
    const { host, port } = parseAuthority(req.url ?? '');
    const target = port === 0 ? undefined : route(host, port);
    if (target === undefined) {
      audit({
        method: 'CONNECT',
        host,
        port,
        allowed: false,
        status: 403,
        bytesOut: 0,
        bytesIn: 0,
        durationMs: Date.now() - started,
        reason: port === 0 ? 'bad authority' : refusal(),
      });
      client.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\negress proxy: ${host}:${port} is not allowed for this sandbox\n`,
      );
      return;
    }
    let bytesOut = head.length;
    let bytesIn = 0;
    let status = 0;
    let reason: string | undefined;
    const upstream = connect({ host: target.host, port: target.port });
    sockets.add(upstream);
    upstream.setTimeout(idleTimeoutMs, () => upstream.destroy(new Error('tunnel idle timeout')));
    upstream.once('connect', () => {
      status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    client.on('data', (chunk: Buffer) => (bytesOut += chunk.length));
    upstream.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
    upstream.once('error', (error) => {
      reason = error.message;
      if (status === 0) {
        status = 502;
        client.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n');
      } else {
        client.destroy();
      }
    });
    client.once('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => {
      sockets.delete(upstream);
      client.destroy();
      audit({
        method: 'CONNECT',
        host,
        port,
        allowed: true,
        status,
        bytesOut,
        bytesIn,
        durationMs: Date.now() - started,
        ...(reason === undefined ? {} : { reason }),
      });
    });
  }

  await rm(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });
  await chmod(options.socketPath, 0o600);

  return {
    socketPath: options.socketPath,
    get identity() {
      return identity;
    },
    assign(next, allow) {
      allowlist = new EgressAllowlist(allow);
      identity = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(options.socketPath, { force: true });
    },
  };
}

function parseAuthority(authority: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(authority);
  if (match === null) return { host: authority, port: 0 };
  const port = Number(match[2]);
  return {
    host: (match[1] as string).replace(/^\[(.*)\]$/, '$1'),
    port: port > 0 && port < 65536 ? port : 0,
  };
}
