// The sandbox figures, each measured through the lifecycle manager (the path a tool call takes), on the driver
// given. Every loop is bounded in count; the caller bounds the whole run in time.
import { join } from 'node:path';
import { openStore } from '@rampart/store';
import {
  createSandboxManager,
  DEFAULT_SANDBOX_LIMITS,
  treeRssBytes,
  type SandboxDriver,
  type SandboxManager,
} from '@rampart/sandbox';
import { summarize, type SampleSummary } from '../lib/summarize-samples.js';

/** Everything the sandbox bench reports. */
export interface SandboxFigures {
  coldStartMs: SampleSummary;
  warmAcquireMs: SampleSummary;
  warmFirstResultMs: SampleSummary;
  cellRttMs: SampleSummary;
  /** The same cell straight through the kernel client, without the manager: what the manager adds is the gap. */
  rawCellRttMs: SampleSummary;
  idleRssMb: SampleSummary;
  fitIn4GiB: number;
}

/** Counts of each measurement. */
export interface SandboxBenchSettings {
  coldStarts: number;
  warmAcquires: number;
  cells: number;
  idleSettleMs: number;
}

const CELL = { timeoutMs: 30_000 };

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

/** Runs every measurement in turn (never two at once, so they do not compete for the CPU). */
export async function measureSandbox(
  driver: SandboxDriver,
  root: string,
  settings: SandboxBenchSettings,
  progress: (line: string) => void,
): Promise<SandboxFigures> {
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

    // Round trip of a trivial cell on a bound sandbox, including the manager's bookkeeping.
    const cells: number[] = [];
    for (let i = 0; i < 5; i++) await manager.runCell('warm-0', '1+1', CELL);
    for (let i = 0; i < settings.cells; i++) {
      const started = performance.now();
      await manager.runCell('warm-0', '1+1', CELL);
      cells.push(performance.now() - started);
    }
    progress(`cells: p50 ${summarize(cells).p50.toFixed(2)} ms`);

    // Idle RSS of each bound sandbox's whole process tree, after it has settled.
    await new Promise((r) => setTimeout(r, settings.idleSettleMs));
    for (const sandbox of manager.localSandboxes()) rss.push(treeRssBytes(sandbox.pid) / (1024 * 1024));
    return { acquire, first, cells, rss };
  });

  // The kernel client alone, on a sandbox started straight from the driver.
  const raw: number[] = [];
  const sandbox = await driver.start({
    sandboxId: 'bench-raw',
    threadId: 'bench-raw',
    userId: 'bench',
    workDir: join(root, 'work-raw'),
    limits: DEFAULT_SANDBOX_LIMITS,
    env: {},
  });
  try {
    for (let i = 0; i < 5; i++) await sandbox.kernel.execute('1+1', CELL);
    for (let i = 0; i < settings.cells; i++) {
      const started = performance.now();
      await sandbox.kernel.execute('1+1', CELL);
      raw.push(performance.now() - started);
    }
  } finally {
    await sandbox.stop();
  }

  const idleRssMb = summarize(warm.rss);
  return {
    coldStartMs: summarize(cold),
    warmAcquireMs: summarize(warm.acquire),
    warmFirstResultMs: summarize(warm.first),
    cellRttMs: summarize(warm.cells),
    rawCellRttMs: summarize(raw),
    idleRssMb,
    fitIn4GiB: Math.floor(4096 / idleRssMb.p50),
  };
}
