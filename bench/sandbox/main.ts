// `npm run bench:sandbox`: cold start, warm-pool acquire, trivial-cell round trip, idle RSS per sandbox and how
// many sandboxes fit in 4 GiB, through the lifecycle manager on the bubblewrap driver. Prints a table beside the
// targets (and the talk's 4.1 s) and writes the figures to bench/results/.
//   --driver bubblewrap|unsafe-local (default bubblewrap)  --quick  fewer samples
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBubblewrapDriver, createUnsafeLocalDriver } from '@rampart/sandbox';
import { formatTable } from '../lib/format-table.js';
import { measureSandbox, type SandboxFigures } from './sandbox-measure.js';

const TIME_LIMIT_MS = 10 * 60 * 1000;
const repoRoot = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: { driver: { type: 'string', default: 'bubblewrap' }, quick: { type: 'boolean', default: false } },
  strict: true,
});
const settings = values.quick
  ? { coldStarts: 2, warmAcquires: 3, cells: 50, idleSettleMs: 1000 }
  : { coldStarts: 5, warmAcquires: 10, cells: 200, idleSettleMs: 3000 };

const root = mkdtempSync(join(tmpdir(), 'rampart-bench-sandbox-'));
const driver =
  values.driver === 'unsafe-local'
    ? createUnsafeLocalDriver({ runtimeDir: join(root, 'run') })
    : createBubblewrapDriver({
        runtimeDir: join(root, 'run'),
        workDirLimit: process.getuid?.() === 0 ? 'image' : 'none',
      });
await driver.checkAvailable();

// A hard stop: a hung kernel must not hang the bench.
const guard = setTimeout(() => {
  console.error(`bench:sandbox exceeded ${TIME_LIMIT_MS / 60000} min; giving up`);
  process.exit(1);
}, TIME_LIMIT_MS).unref();

const loadBefore = loadavg()[0] ?? 0;
let figures: SandboxFigures;
try {
  figures = await measureSandbox(driver, root, settings, (line) => console.error(`  ${line}`));
} finally {
  clearTimeout(guard);
  rmSync(root, { recursive: true, force: true });
}

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
const loadAfter = loadavg()[0] ?? 0;
const rows: Array<[string, string, string, string, boolean | undefined]> = [
  [
    'cold start (create → first result), p50',
    `${ms(figures.coldStartMs.p50)} ms`,
    '≤ 1000 ms',
    `p90 ${ms(figures.coldStartMs.p90)} ms; talk: 4100 ms`,
    figures.coldStartMs.p50 <= 1000,
  ],
  [
    '  driver alone (start → kernel answers), p50',
    `${ms(figures.coldDriverStartMs.p50)} ms`,
    '',
    'bwrap + cgroup + work dir + ipykernel',
    undefined,
  ],
  [
    'warm-pool acquire, p50',
    `${ms(figures.warmAcquireMs.p50)} ms`,
    '≤ 50 ms',
    '',
    figures.warmAcquireMs.p50 <= 50,
  ],
  ['warm acquire → first result, p50', `${ms(figures.warmFirstResultMs.p50)} ms`, '', '', undefined],
  [
    `trivial cell round trip via manager, p50 (n=${figures.cellRttMs.count})`,
    `${ms(figures.cellRttMs.p50)} ms`,
    '≤ 5 ms',
    `p90 ${ms(figures.cellRttMs.p90)} ms`,
    figures.cellRttMs.p50 <= 5,
  ],
  [
    '  kernel itself (its busy → idle), p50',
    `${ms(figures.kernelCellMs.p50)} ms`,
    '',
    `p90 ${ms(figures.kernelCellMs.p90)} ms`,
    undefined,
  ],
  [
    '  kernel client alone, p50',
    `${ms(figures.rawCellRttMs.p50)} ms`,
    '',
    `p90 ${ms(figures.rawCellRttMs.p90)} ms`,
    undefined,
  ],
  [
    '  MCP call, in-memory transport, p50',
    `${ms(figures.mcpMemoryCellRttMs.p50)} ms`,
    '',
    `p90 ${ms(figures.mcpMemoryCellRttMs.p90)} ms`,
    undefined,
  ],
  [
    '  MCP call, Streamable HTTP (SDK client), p50',
    `${ms(figures.mcpHttpCellRttMs.p50)} ms`,
    '',
    `p90 ${ms(figures.mcpHttpCellRttMs.p90)} ms`,
    undefined,
  ],
  [
    'idle RSS per sandbox (process tree)',
    `${figures.idleRssMb.p50.toFixed(1)} MB`,
    '≤ 75 MB',
    '',
    figures.idleRssMb.p50 <= 75,
  ],
  ['sandboxes in 4 GiB (from RSS)', String(figures.fitIn4GiB), '', '', undefined],
];
console.log(
  `\nSandbox bench — driver ${driver.name}, ${cpus().length} CPUs, load ${loadBefore.toFixed(1)} before / ${loadAfter.toFixed(1)} after, Node ${process.versions.node}\n`,
);
console.log(
  formatTable(
    [
      { title: 'measure' },
      { title: 'Rampart', align: 'right' },
      { title: 'target' },
      { title: 'note' },
      { title: 'ok' },
    ],
    rows.map(([name, value, target, note, ok]) => [
      name,
      value,
      target,
      note,
      ok === undefined ? '' : ok ? 'yes' : 'NO',
    ]),
  ),
);

const run = {
  bench: 'sandbox',
  at: new Date().toISOString(),
  driver: driver.name,
  host: { cpus: cpus().length, loadavg1: loadAfter, loadavg1Before: loadBefore, node: process.versions.node },
  settings,
  figures,
  targets: { coldStartMs: 1000, warmAcquireMs: 50, cellRttMs: 5, idleRssMb: 75, talkColdStartMs: 4100 },
};
const dir = join(repoRoot, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `sandbox-${run.at.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(join(dir, 'sandbox-latest.json'), `${JSON.stringify(run, null, 2)}\n`);
console.log(`\nwrote ${file}`);
