// The owner side of cross-process access. A sandbox lives in exactly one manager process (the one that won the
// compare-and-swap); other managers forward their callers' cells here over HTTP. Only threads this manager owns are
// served: a call for any other thread gets 409 not_owner and the caller re-resolves the owner through the store.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SandboxManagerError } from './manager-errors.js';
import type { Notebook } from './manager-notebook.js';

/** Where the peer endpoint listens and the shared secret peers present. */
export interface PeerServerOptions {
  host: string;
  port: number;
  /** Bearer token every peer must send; undefined only for loopback-only development setups. */
  token: string | undefined;
  /** The locally served notebook of a thread, or undefined when this manager does not own it. */
  localNotebook(threadId: string): Notebook | undefined;
}

/** A listening peer endpoint. */
export interface PeerServer {
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const ROUTE = /^\/v1\/threads\/([^/]+)\/(run|restart|files)$/;

/** Starts the peer endpoint. */
export async function startPeerServer(options: PeerServerOptions): Promise<PeerServer> {
  const server: Server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) =>
      reply(res, 500, { code: 'internal', message: String(error) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(options: PeerServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!authorized(options.token, req.headers.authorization)) return reply(res, 401, { code: 'unauthorized' });
  const match = ROUTE.exec(new URL(req.url ?? '/', 'http://peer').pathname);
  if (match === null || req.method !== 'POST') return reply(res, 404, { code: 'not_found' });
  const threadId = decodeURIComponent(match[1] as string);
  const notebook = options.localNotebook(threadId);
  if (notebook === undefined) return reply(res, 409, { code: 'not_owner' });
  const body = (await readJson(req)) as { code?: unknown; timeoutMs?: unknown };
  // The caller hanging up cancels the cell, as it would locally.
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(new Error('the forwarding peer disconnected'));
  });
  try {
    switch (match[2]) {
      case 'run': {
        if (typeof body.code !== 'string' || typeof body.timeoutMs !== 'number') {
          return reply(res, 400, {
            code: 'bad_request',
            message: 'want { code: string, timeoutMs: number }',
          });
        }
        return reply(
          res,
          200,
          await notebook.run(body.code, { timeoutMs: body.timeoutMs, signal: abort.signal }),
        );
      }
      case 'restart':
        await notebook.restart();
        return reply(res, 200, { ok: true });
      default:
        return reply(res, 200, await notebook.listFiles());
    }
  } catch (error) {
    if (error instanceof SandboxManagerError && error.code === 'sandbox_lost_ownership') {
      return reply(res, 409, { code: 'not_owner' });
    }
    throw error;
  }
}

function authorized(token: string | undefined, header: string | undefined): boolean {
  if (token === undefined) return true;
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
