// Streamable HTTP transport. Stateless: every request builds a server bound to the thread it names, so any replica
// can take any request (the manager forwards to the thread's owner) and there is no session to lose. The thread
// comes from the path (/threads/<id>/mcp) or, on /mcp, from the x-rampart-thread-id header; the user from
// x-rampart-user-id. Authentication belongs in front of this (the gateway), which sets those headers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { SandboxManager } from '../manager/manager-sandbox-manager.js';
import { createNotebookMcpServer } from './mcp-notebook-server.js';

/** Options of the HTTP MCP endpoint. */
export interface NotebookHttpServerOptions {
  manager: SandboxManager;
  host?: string;
  port?: number;
}

/** A listening HTTP MCP endpoint. */
export interface NotebookHttpServer {
  /** Base URL; MCP lives at `${url}/mcp` (with the thread header) or `${url}/threads/<id>/mcp`. */
  readonly url: string;
  close(): Promise<void>;
}

/** The header naming the thread on /mcp. */
export const THREAD_HEADER = 'x-rampart-thread-id';
/** The header naming the user. */
export const USER_HEADER = 'x-rampart-user-id';

const THREAD_PATH = /^\/threads\/([^/]+)\/mcp$/;
const THREAD_ID = /^[\w.:@-]{1,200}$/;

/** Starts the Streamable HTTP MCP endpoint. */
export async function startNotebookHttpServer(
  options: NotebookHttpServerOptions,
): Promise<NotebookHttpServer> {
  const server: Server = createServer((req, res) => {
    handle(options.manager, req, res).catch((error: unknown) => {
      if (!res.headersSent) jsonRpcError(res, 500, `internal error: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(manager: SandboxManager, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://mcp').pathname;
  const fromPath = THREAD_PATH.exec(path)?.[1];
  if (fromPath === undefined && path !== '/mcp')
    return jsonRpcError(res, 404, 'not found: use /mcp or /threads/<id>/mcp');
  const threadId = fromPath !== undefined ? decodeURIComponent(fromPath) : header(req, THREAD_HEADER);
  if (threadId === undefined || !THREAD_ID.test(threadId)) {
    return jsonRpcError(
      res,
      400,
      `name the thread: ${THREAD_HEADER} header or /threads/<id>/mcp ([\\w.:@-], ≤200)`,
    );
  }
  if (req.method !== 'POST') {
    // Stateless: no standalone SSE stream to resume and no session to delete.
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  const userId = header(req, USER_HEADER);
  const mcp = createNotebookMcpServer({ manager, threadId, ...(userId === undefined ? {} : { userId }) });
  const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true }); // no sessionIdGenerator: stateless;
  res.once('close', () => {
    void transport.close();
    void mcp.close();
  });
  // The body is read here, straight from Node's stream: handed over parsed, the SDK skips its Web-stream read.
  const parsed = await readJsonBody(req);
  if (parsed instanceof Error) return jsonRpcError(res, 400, `parse error: ${parsed.message}`, -32700);
  await mcp.connect(transport);
  await transport.handleRequest(req, res, parsed);
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function jsonRpcError(res: ServerResponse, status: number, message: string, code = -32000): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}
