// The sandbox figures, each measured through the lifecycle manager (the path a tool call takes), on the driver
// given. Every loop is bounded in count; the caller bounds the whole run in time.
// The trivial-cell round trip is taken layer by layer, so a slow figure says where its time goes: what the kernel
// itself reports (busy → idle), the kernel client alone, the manager, MCP over an in-memory transport (the protocol
// and the tool handler, no I/O) and MCP over Streamable HTTP with the official SDK client (what `rampart start`
// serves). The layers are sampled in rounds, one cell each in rotating order, so load from elsewhere on the host
// hits every layer alike instead of whichever happened to run during a busy minute; every measured cell follows a
// cell on another kernel, as on a host serving many threads.
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { openStore } from '@rampart/store';
import {
  createNotebookMcpServer,
  createSandboxManager,
  DEFAULT_SANDBOX_LIMITS,
  startNotebookHttpServer,
  treeRssBytes,
  type SandboxDriver,
  type SandboxManager,
} from '@rampart/sandbox';
import { summarize, type SampleSummary } from '../lib/summarize-samples.js';

/** Everything the sandbox bench reports. */
export interface SandboxFigures {
  /** A new thread without a warm pool: the call until the first result of `1+1`. */
  coldStartMs: SampleSummary;
  /** The driver's part of a cold start: driver.start() until the kernel answers (no store, no cell). */
  coldDriverStartMs: SampleSummary;
  warmAcquireMs: SampleSummary;
  warmFirstResultMs: SampleSummary;
  /** Trivial cell through the manager (runCell). */
  cellRttMs: SampleSummary;
  /** The same cell straight through the kernel client, without the manager. */
  rawCellRttMs: SampleSummary;
  /** What the kernel reports it spent on that cell (its busy → idle stamps). */
  kernelCellMs: SampleSummary;
  /** notebook_run_cell through an MCP client and server linked in memory. */
  mcpMemoryCellRttMs: SampleSummary;
  /** notebook_run_cell through the official SDK client over Streamable HTTP on loopback. */
  mcpHttpCellRttMs: SampleSummary;
  idleRssMb: SampleSummary;
  fitIn4GiB: number;
}

/** Counts of each measurement. */
export interface SandboxBenchSettings {
  coldStarts: number;
  warmAcquires: number;
  /** Rounds of the layered round trip (one cell per layer per round). */
  cells: number;
  idleSettleMs: number;
}

const CELL = { timeoutMs: 30_000 };
const WARMUP_ROUNDS = 5;

async function withManager<T>(
  driver: SandboxDriver,
  root: string,
  name: string,
  warmPoolSize: number,
  fn: (manager: SandboxManager) => Promise<T>,
): Promise<T> {
  const store = await openStore({ url: `sqlite:${join(root, `${name}.db`)}` });
  const manager = createSandboxManager({ store, driver, workRoot: join(root, `work-${name}`), warmPoolSize });
  await manager.start();
  try {
    return await fn(manager);
  } finally {
    await manager.close();
    await store.close();
  }
}

async function mcpClient(transport: Parameters<Client['connect']>[0]): Promise<Client> {
  const client = new Client({ name: 'rampart-bench', version: '1' });
  await client.connect(transport);
  return client;
}

async function callCell(client: Client): Promise<void> {
  const result = (await client.callTool({
    name: 'notebook_run_cell',
    arguments: { code: '1+1', description: 'bench' },
  })) as CallToolResult;
  const first = result.content[0];
  if (result.isError === true || first?.type !== 'text' || first.text !== '2')
    throw new Error(`unexpected MCP result: ${JSON.stringify(result).slice(0, 200)}`);
}

/** Runs every measurement in turn (never two at once, so they do not compete for the CPU). */
export async function measureSandbox(
  driver: SandboxDriver,
  root: string,
  settings: SandboxBenchSettings,
  progress: (line: string) => void,
): Promise<SandboxFigures> {
  const rawSpec = (id: string) => ({
    sandboxId: id,
    threadId: id,
    userId: 'bench',
    workDir: join(root, `work-${id}`),
    limits: DEFAULT_SANDBOX_LIMITS,
    env: {},
  });

  // Cold start: a new thread with no warm pool, from the call to the first result of `1+1`.
  const cold = await withManager(driver, root, 'cold', 0, async (manager) => {
    const samples: number[] = [];
    for (let i = 0; i < settings.coldStarts; i++) {
      const started = performance.now();
      await manager.runCell(`cold-${i}`, '1+1', CELL);
      samples.push(performance.now() - started);
      progress(`cold start ${i + 1}/${settings.coldStarts}: ${samples.at(-1)?.toFixed(0)} ms`);
      await manager.stopThread(`cold-${i}`);
    }
    return samples;
  });
  const coldDriver: number[] = [];
  for (let i = 0; i < settings.coldStarts; i++) {
    const started = performance.now();
    const sandbox = await driver.start(rawSpec(`bench-cold-${i}`));
    coldDriver.push(performance.now() - started);
    await sandbox.stop();
  }
  progress(`driver starts: ${coldDriver.map((x) => x.toFixed(0)).join(' ')} ms`);

  // Warm acquire: the pool is refilled (outside the timing) before each new thread takes one.
  const warm = await withManager(driver, root, 'warm', 2, async (manager) => {
    const acquire: number[] = [];
    const first: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < settings.warmAcquires; i++) {
      await manager.whenWarm();
      const started = performance.now();
      const notebook = await manager.acquire(`warm-${i}`);
      acquire.push(performance.now() - started);
      await notebook.run('1+1', CELL);
      first.push(performance.now() - started);
    }
    progress(`warm acquires: ${acquire.map((x) => x.toFixed(1)).join(' ')} ms`);

    // The layered round trip, on warm-0 for the manager and MCP layers and on a sandbox straight from the driver
    // for the kernel client.
    const raw = await driver.start(rawSpec('bench-raw'));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = createNotebookMcpServer({ manager, threadId: 'warm-0' });
    await server.connect(serverSide);
    const memory = await mcpClient(clientSide);
    const http = await startNotebookHttpServer({ manager });
    const overHttp = await mcpClient(
      new StreamableHTTPClientTransport(new URL(`${http.url}/threads/warm-0/mcp`)),
    );
    const layers = {
      raw: [] as number[],
      kernel: [] as number[],
      manager: [] as number[],
      memory: [] as number[],
      http: [] as number[],
    };
    const rawArm = async (): Promise<number | undefined> => (await raw.kernel.execute('1+1', CELL)).kernelMs;
    const arms: Array<[keyof typeof layers, () => Promise<unknown>]> = [
      ['manager', () => manager.runCell('warm-0', '1+1', CELL)],
      ['memory', () => callCell(memory)],
      ['http', () => callCell(overHttp)],
    ];
    try {
      // Every measured cell follows a cell on the OTHER kernel (the raw one before each manager/MCP cell, and the
      // reverse): a kernel that just ran is cache-hot, and measuring one layer always back to back on the same
      // kernel would flatter it.
      let rawIndex = 0;
      for (let round = 0; round < WARMUP_ROUNDS + settings.cells; round++) {
        for (let k = 0; k < arms.length; k++) {
          const [name, arm] = arms[(round + k) % arms.length] as (typeof arms)[number];
          let started = performance.now();
          const kernelMs = await rawArm();
          const measured = round >= WARMUP_ROUNDS && rawIndex++ % arms.length === 0;
          if (measured) {
            layers.raw.push(performance.now() - started);
            if (kernelMs !== undefined) layers.kernel.push(kernelMs);
          }
          started = performance.now();
          await arm();
          if (round >= WARMUP_ROUNDS) layers[name].push(performance.now() - started);
        }
      }
    } finally {
      await memory.close();
      await overHttp.close();
      await server.close();
      await http.close();
      await raw.stop();
    }
    progress(
      `cells p50: kernel ${summarize(layers.kernel).p50.toFixed(2)}, client ${summarize(layers.raw).p50.toFixed(2)}, manager ${summarize(layers.manager).p50.toFixed(2)}, MCP in-memory ${summarize(layers.memory).p50.toFixed(2)}, MCP HTTP ${summarize(layers.http).p50.toFixed(2)} ms`,
    );

    // Idle RSS of each bound sandbox's whole process tree, after it has settled.
    await new Promise((r) => setTimeout(r, settings.idleSettleMs));
    for (const sandbox of manager.localSandboxes()) rss.push(treeRssBytes(sandbox.pid) / (1024 * 1024));
    return { acquire, first, layers, rss };
  });

  const idleRssMb = summarize(warm.rss);
  return {
    coldStartMs: summarize(cold),
    coldDriverStartMs: summarize(coldDriver),
    warmAcquireMs: summarize(warm.acquire),
    warmFirstResultMs: summarize(warm.first),
    cellRttMs: summarize(warm.layers.manager),
    rawCellRttMs: summarize(warm.layers.raw),
    kernelCellMs: summarize(warm.layers.kernel),
    mcpMemoryCellRttMs: summarize(warm.layers.memory),
    mcpHttpCellRttMs: summarize(warm.layers.http),
    idleRssMb,
    fitIn4GiB: Math.floor(4096 / idleRssMb.p50),
  };
}
