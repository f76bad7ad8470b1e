// Memory, CPU and process limits of one sandbox through cgroups. Hosts differ: this one has cgroup v1 controllers
// (cgroup2 is mounted but has none), modern distributions have only v2. We detect at runtime and use what exists.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxLimits } from '../sandbox-driver.js';
import { SandboxError } from '../kernel/kernel-errors.js';

/** Which cgroup layout limits can be enforced with, if any. */
export type CgroupMode = { version: 1; root: string } | { version: 2; root: string } | { version: 'none' };

const V1_CONTROLLERS = ['memory', 'cpu', 'pids'] as const;
const CPU_PERIOD_US = 100_000;

/** Finds usable cgroup controllers: v2 with memory+pids+cpu delegated, else v1 with all three, else none. */
export function detectCgroupMode(root = '/sys/fs/cgroup'): CgroupMode {
  const v2Controllers = readControllers(join(root, 'cgroup.controllers'));
  if (['memory', 'pids', 'cpu'].every((c) => v2Controllers.includes(c))) return { version: 2, root };
  if (V1_CONTROLLERS.every((c) => existsSync(join(root, c, 'cgroup.procs')))) return { version: 1, root };
  return { version: 'none' };
}

/** One sandbox's cgroup(s). */
export interface SandboxCgroup {
  /** cgroup.procs files the sandbox process must write its pid into before exec'ing bwrap. */
  procsFiles: string[];
  /** How many times the OOM killer fired in this cgroup (0 when unknown). */
  oomKills(): Promise<number>;
  /** Kills what is left and removes the cgroup(s). */
  remove(): Promise<void>;
}

/** Creates the cgroup(s) `rampart/<sandboxId>` with the limits applied. */
export async function createSandboxCgroup(
  mode: Exclude<CgroupMode, { version: 'none' }>,
  sandboxId: string,
  limits: SandboxLimits,
): Promise<SandboxCgroup> {
  const memoryBytes = String(limits.memoryMb * 1024 * 1024);
  const quotaUs = Math.max(1000, Math.round((limits.cpuPercent / 100) * CPU_PERIOD_US));
  try {
    if (mode.version === 2) {
      const parent = join(mode.root, 'rampart');
      await mkdir(parent, { recursive: true });
      // Children only get controllers their parent enables for them.
      await writeFile(join(parent, 'cgroup.subtree_control'), '+memory +pids +cpu').catch(() => undefined);
      const dir = join(parent, sandboxId);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'memory.max'), memoryBytes);
      await writeFile(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      await writeFile(join(dir, 'pids.max'), String(limits.maxProcesses));
      await writeFile(join(dir, 'cpu.max'), `${quotaUs} ${CPU_PERIOD_US}`);
      return {
        procsFiles: [join(dir, 'cgroup.procs')],
        oomKills: async () => readCounter(join(dir, 'memory.events'), 'oom_kill'),
        remove: async () => {
          await writeFile(join(dir, 'cgroup.kill'), '1').catch(() => undefined);
          await removeDir(dir);
        },
      };
    }
    const dirs = V1_CONTROLLERS.map((controller) => join(mode.root, controller, 'rampart', sandboxId));
    const [memory, cpu, pids] = dirs as [string, string, string];
    for (const dir of dirs) await mkdir(dir, { recursive: true });
    await writeFile(join(memory, 'memory.limit_in_bytes'), memoryBytes);
    // Without this, a sandbox could escape its memory limit into swap where swap exists.
    await writeFile(join(memory, 'memory.memsw.limit_in_bytes'), memoryBytes).catch(() => undefined);
    await writeFile(join(cpu, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
    await writeFile(join(cpu, 'cpu.cfs_quota_us'), String(quotaUs));
    await writeFile(join(pids, 'pids.max'), String(limits.maxProcesses));
    return {
      procsFiles: dirs.map((dir) => join(dir, 'cgroup.procs')),
      oomKills: async () => readCounter(join(memory, 'memory.oom_control'), 'oom_kill'),
      remove: async () => {
        await killAll(join(pids, 'cgroup.procs'));
        for (const dir of dirs) await removeDir(dir);
      },
    };
  } catch (error) {
    throw new SandboxError('sandbox_limits_failed', `cannot set up cgroup limits for ${sandboxId}`, {
      cause: error,
    });
  }
}

function readControllers(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').trim().split(/\s+/);
  } catch {
    return [];
  }
}

async function readCounter(path: string, key: string): Promise<number> {
  try {
    const line = (await readFile(path, 'utf8')).split('\n').find((l) => l.startsWith(`${key} `));
    return line === undefined ? 0 : Number(line.split(' ')[1]);
  } catch {
    return 0;
  }
}

// v1 has no cgroup.kill: SIGKILL whatever is left (normally nothing: the pid namespace died with bwrap).
async function killAll(procsFile: string): Promise<void> {
  const pids = (await readFile(procsFile, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
}

// rmdir of a cgroup fails with EBUSY until its last process is reaped, which takes a few ms after SIGKILL.
async function removeDir(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
