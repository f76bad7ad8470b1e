// The notebook service inside `rampart start`: one sandboxed Python kernel per thread behind an MCP
// endpoint (notebook_run_cell), with network only through an egress proxy that reaches the gateway alone.
// Without bubblewrap it does not start, and says exactly why, rather than running code unisolated.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createBubblewrapDriver,
  createSandboxManager,
  startEgressProxy,
  startNotebookHttpServer,
} from '@rampart/sandbox';
import { openStore } from '@rampart/store';

/** A running notebook service. */
export interface NotebookService {
  url: string;
  close(): Promise<void>;
}

/** Where the service keeps its data and how sandboxes reach the gateway. */
export interface NotebookServiceOptions {
  dataDir: string;
  host: string;
  port: number;
  gatewayUrl: string;
  log: (event: string, fields: Record<string, unknown>) => void;
}

/** The name sandboxes use for the gateway; the egress proxy maps it to the real address. */
const GATEWAY_ALIAS = 'gateway.rampart.internal';

/** Starts the notebook service, or returns why it cannot run on this machine. */
export async function startNotebooks(
  options: NotebookServiceOptions,
): Promise<NotebookService | { unavailable: string }> {
  // Sized work dirs need loop mounts, i.e. root; otherwise the work dir is a plain directory.
  const driver = createBubblewrapDriver({ workDirLimit: process.getuid?.() === 0 ? 'image' : 'none' });
  try {
    await driver.checkAvailable();
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
  await mkdir(join(options.dataDir, 'work'), { recursive: true });
  const gateway = new URL(options.gatewayUrl);
  const egress = await startEgressProxy({
    socketPath: join(options.dataDir, 'egress.sock'),
    // One proxy serves every sandbox of this process, so its audit records name the service, not the thread.
    identity: { sandboxId: 'notebook-service', threadId: '*', userId: '*' },
    allow: [],
    aliases: { [GATEWAY_ALIAS]: { host: gateway.hostname, port: Number(gateway.port) || 80 } },
    audit: (record) => options.log('egress', { ...record }),
  });
  const store = await openStore({ url: join(options.dataDir, 'rampart.db') });
  const gatewayInside = `http://${GATEWAY_ALIAS}:${Number(gateway.port) || 80}`;
  const manager = createSandboxManager({
    store,
    driver,
    workRoot: join(options.dataDir, 'work'),
    egressProxySocket: egress.socketPath,
    env: () => ({
      RAMPART_GATEWAY_URL: gatewayInside,
      OPENAI_BASE_URL: `${gatewayInside}/v1`,
      ANTHROPIC_BASE_URL: gatewayInside,
    }),
    log: options.log,
  });
  await manager.start();
  const http = await startNotebookHttpServer({ manager, host: options.host, port: options.port });
  return {
    url: `${http.url}/mcp`,
    async close() {
      await http.close();
      await manager.close();
      await egress.close();
      await store.close();
    },
  };
}
