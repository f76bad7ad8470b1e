// Measures the bubblewrap driver on this host: cold start (spawn → first execute_reply of 1+1), trivial-cell round
// trip (median of 50) and idle RSS of one sandbox (kernel + bwrap + socat, summed over its cgroup).
// Run: node --import tsx packages/sandbox/src/drivers/measure-bubblewrap.ts   (the full bench is npm run bench:sandbox)
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEgressProxy } from '../egress/egress-proxy.js';
import { createBubblewrapDriver } from './drivers-bubblewrap-driver.js';

const driver = createBubblewrapDriver({ runtimeDir: '/tmp/rampart-measure' });
await driver.checkAvailable();
const root = await mkdtemp(join(tmpdir(), 'rampart-measure-'));
const proxy = await startEgressProxy({
  socketPath: join(root, 'egress.sock'),
  identity: { sandboxId: 'measure', threadId: 'measure', userId: 'measure' },
  allow: [],
  audit: () => undefined,
});
const limits = { memoryMb: 512, cpuPercent: 100, maxProcesses: 64, workDirMb: 64 };
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;

const colds: number[] = [];
let rtt = NaN;
let rssMb = NaN;
for (let i = 0; i < 3; i++) {
  const sandboxId = `measure-${i}`;
  const started = performance.now();
  const sandbox = await driver.start({
    sandboxId,
    threadId: sandboxId,
    userId: 'measure',
    workDir: join(root, `w${i}`),
    limits,
    egressProxySocket: proxy.socketPath,
    env: {},
  });
  await sandbox.kernel.execute('1+1', { timeoutMs: 10_000 });
  colds.push(performance.now() - started);
  if (i === 0) {
    for (let w = 0; w < 5; w++) await sandbox.kernel.execute('1+1', { timeoutMs: 10_000 });
    const rtts: number[] = [];
    for (let n = 0; n < 50; n++) {
      const t = performance.now();
      await sandbox.kernel.execute('1+1', { timeoutMs: 10_000 });
      rtts.push(performance.now() - t);
    }
    rtt = median(rtts);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const pids = (
      await readFile(`/sys/fs/cgroup/pids/rampart/${sandboxId}/cgroup.procs`, 'utf8').catch(() => '')
    )
      .split('\n')
      .filter(Boolean);
    let kb = 0;
    // The cgroup holds everything: outer bwrap (it joined before exec), its pid 1, socat and the kernel.
    for (const pid of pids) {
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    }
    rssMb = kb / 1024;
  }
  await sandbox.stop();
}
await proxy.close();
await rm(root, { recursive: true, force: true });
const load = (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
console.log(
  JSON.stringify({
    coldStartMs: colds.map(Math.round),
    coldStartMedianMs: Math.round(median(colds)),
    cellRttP50Ms: Number(rtt.toFixed(2)),
    idleRssMb: Number(rssMb.toFixed(1)),
    loadAverage: load,
  }),
);
