// The notebook MCP server as a command.
//   stdio (one thread per process, as MCP clients spawn it):
//     node --import tsx packages/sandbox/src/mcp/main.ts --thread T
//   Streamable HTTP (any thread, by header or path):
//     node --import tsx packages/sandbox/src/mcp/main.ts --http 8765
// Options: --store URL (default $RAMPART_STORE_URL, $DATABASE_URL, else .rampart/rampart.db), --driver
// bubblewrap|unsafe-local, --work-root DIR, --user U, --warm N, --peer-port P (serve owned threads to other
// processes; token from $RAMPART_PEER_TOKEN), --health-interval S, --idle-timeout S.
// stdout belongs to the MCP protocol in stdio mode: every log line goes to stderr.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { openStore } from '@rampart/store';
import { createBubblewrapDriver } from '../drivers/drivers-bubblewrap-driver.js';
import { createUnsafeLocalDriver } from '../drivers/drivers-unsafe-local-driver.js';
import { createSandboxManager } from '../manager/manager-sandbox-manager.js';
import type { SandboxDriver } from '../sandbox-driver.js';
import { startNotebookHttpServer } from './mcp-http-server.js';
import { createNotebookMcpServer } from './mcp-notebook-server.js';

const { values } = parseArgs({
  options: {
    thread: { type: 'string' },
    user: { type: 'string' },
    http: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    store: { type: 'string' },
    driver: { type: 'string', default: 'bubblewrap' },
    'work-root': { type: 'string', default: '.rampart/work' },
    warm: { type: 'string', default: '0' },
    'peer-port': { type: 'string' },
    'health-interval': { type: 'string' },
    'idle-timeout': { type: 'string' },
  },
});

const log = (event: string, fields: Record<string, unknown> = {}): void => {
  process.stderr.write(
    `${JSON.stringify({ at: new Date().toISOString(), event, ...fields }, errorReplacer)}\n`,
  );
};

function fail(message: string): never {
  process.stderr.write(`rampart notebook: ${message}\n`);
  process.exit(2);
}

function pickDriver(name: string): SandboxDriver {
  if (name === 'bubblewrap') {
    // Sized work dirs need loop mounts, i.e. root; without root the work dir is a plain (unsized) directory.
    return createBubblewrapDriver({ workDirLimit: process.getuid?.() === 0 ? 'image' : 'none' });
  }
  if (name === 'unsafe-local') {
    log('warning', { message: 'the unsafe-local driver does NOT isolate anything: development only' });
    return createUnsafeLocalDriver();
  }
  return fail(`unknown --driver ${name} (bubblewrap | unsafe-local)`);
}

const seconds = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value) * 1000;

if (values.http === undefined && values.thread === undefined) fail('give --thread T (stdio) or --http PORT');
const driver = pickDriver(values.driver);
await driver.checkAvailable();
const store = await openStore({
  url: values.store ?? process.env.RAMPART_STORE_URL ?? process.env.DATABASE_URL ?? '.rampart/rampart.db',
});
const healthIntervalMs = seconds(values['health-interval']);
const idleTimeoutMs = seconds(values['idle-timeout']);
const manager = createSandboxManager({
  store,
  driver,
  workRoot: resolve(values['work-root']),
  warmPoolSize: Number(values.warm),
  log,
  ...(healthIntervalMs === undefined ? {} : { healthIntervalMs }),
  ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
  ...(values['peer-port'] === undefined
    ? {}
    : {
        peer: {
          host: values.host,
          port: Number(values['peer-port']),
          ...(process.env.RAMPART_PEER_TOKEN === undefined ? {} : { token: process.env.RAMPART_PEER_TOKEN }),
        },
      }),
});
const report = await manager.start();
log('manager_started', { id: manager.id, driver: driver.name, isolated: driver.isolated, ...report });

let closing: Promise<void> | undefined;
const shutdown = (why: string): Promise<void> =>
  (closing ??= (async () => {
    log('shutting_down', { why });
    await http?.close();
    await manager.close();
    await store.close();
  })());

let http: Awaited<ReturnType<typeof startNotebookHttpServer>> | undefined;
if (values.http !== undefined) {
  http = await startNotebookHttpServer({ manager, host: values.host, port: Number(values.http) });
  log('http_listening', { url: `${http.url}/mcp` });
} else {
  const server = createNotebookMcpServer({
    manager,
    threadId: values.thread as string,
    ...(values.user === undefined ? {} : { userId: values.user }),
  });
  const transport = new StdioServerTransport();
  // The client closing stdin is how stdio MCP servers are told to go away.
  transport.onclose = () => void shutdown('stdin closed').then(() => process.exit(0));
  await server.connect(transport);
  process.stdin.once('end', () => void shutdown('stdin ended').then(() => process.exit(0)));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void shutdown(signal).then(() => process.exit(0)));
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
