// The default driver on Linux: each sandbox is an IPython kernel inside bubblewrap (all namespaces unshared, read-only
// system, private work dir, uid 1000, no capabilities, network only through the egress proxy socket), limited by a
// cgroup (memory, CPU, pids) or, where no cgroup controllers exist, by rlimits.
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningSandbox, SandboxDriver, SandboxSpec } from '../sandbox-driver.js';
import { createKernelConnection, writeKernelConnectionFile } from '../kernel/kernel-connection.js';
import { SandboxError } from '../kernel/kernel-errors.js';
import { baseKernelEnv, kernelArgs, SYSTEM_PYTHON } from '../kernel/kernel-launch.js';
import type { OutputCapOptions } from '../kernel/kernel-output-collector.js';
import {
  bubblewrapArgs,
  proxyEnv,
  SANDBOX_PATHS,
  SANDBOX_UID,
  type SandboxTcpForward,
} from './drivers-bubblewrap-args.js';
import {
  createSandboxCgroup,
  detectCgroupMode,
  type CgroupMode,
  type SandboxCgroup,
} from './drivers-cgroup.js';
import { startKernelProcess, type ProcessExit } from './drivers-kernel-process.js';
import { superviseSandbox } from './drivers-supervised-sandbox.js';
import { mountWorkDirImage, type MountedWorkDir } from './drivers-work-dir-image.js';

const run = promisify(execFile);

/** Options of the bubblewrap driver. */
export interface BubblewrapDriverOptions {
  /** Host dir under which each sandbox gets its sockets and generated files (default /tmp/rampart-sandboxes). */
  runtimeDir?: string;
  bwrapPath?: string;
  /** Size of the sandbox's /tmp tmpfs (also charged to its memory limit). Default 256 MB. */
  tmpSizeMb?: number;
  /**
   * How the work dir's size limit is enforced: 'image' (default) loop-mounts a sparse ext4 image per thread and
   * needs root; 'none' binds the directory unsized (development hosts without root).
   */
  workDirLimit?: 'image' | 'none';
  /**
   * Local ports inside every sandbox tunnelled through its egress proxy, e.g. Redis at 127.0.0.1:6379 →
   * { localPort: 6379, host: 'redis.internal', port: 6379 }; the tenant's allowlist must include host:port.
   */
  tcpForwards?: readonly SandboxTcpForward[];
  /** Override cgroup detection (tests). */
  cgroupMode?: CgroupMode;
  readyTimeoutMs?: number;
  interruptGraceMs?: number;
  outputCap?: Partial<OutputCapOptions>;
}

// /etc entries python, requests (CA bundle), matplotlib (matplotlibrc) and the dynamic linker read. Nothing else:
// no shadow, no host passwd, no resolv.conf (there is no DNS inside; the proxy resolves).
const ETC_ALLOWLIST = [
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'ssl',
  'ca-certificates',
  'alternatives',
  'localtime',
  'matplotlibrc',
  'mime.types',
  'nsswitch.conf',
  'fonts',
];

/** Creates the bubblewrap driver (isolated: true). */
export function createBubblewrapDriver(options: BubblewrapDriverOptions = {}): SandboxDriver {
  const runtimeDir = options.runtimeDir ?? '/tmp/rampart-sandboxes';
  const bwrap = options.bwrapPath ?? '/usr/bin/bwrap';
  const workDirLimit = options.workDirLimit ?? 'image';
  const cgroupMode = options.cgroupMode ?? detectCgroupMode();
  let probe: Promise<{ disableUserns: boolean }> | undefined;
  const checkAvailable = (): Promise<{ disableUserns: boolean }> =>
    (probe ??= probeHost(bwrap, workDirLimit));

  return {
    name: 'bubblewrap',
    isolated: true,
    async checkAvailable() {
      try {
        await checkAvailable();
      } catch (error) {
        probe = undefined;
        throw error;
      }
    },
    async start(spec: SandboxSpec, startOptions?: { signal?: AbortSignal }): Promise<RunningSandbox> {
      const { disableUserns } = await checkAvailable();
      const dir = join(runtimeDir, spec.sandboxId);
      const ipcDir = join(dir, 'ipc');
      // Stale sockets of a crashed run must go before the kernel binds new ones.
      await rm(dir, { recursive: true, force: true });
      await mkdir(ipcDir, { recursive: true, mode: 0o700 });
      let workDir: MountedWorkDir | undefined;
      let cgroup: SandboxCgroup | undefined;
      const dispose = async (): Promise<void> => {
        await cgroup?.remove();
        await workDir?.unmount();
        await rm(dir, { recursive: true, force: true });
      };
      try {
        // Independent set-up steps run together (a new thread's work dir image is the slowest): on a loaded host
        // each waits for the CPU, and waiting side by side costs one wait, not three.
        const [etc, mounted, limited] = await Promise.allSettled([
          writeGeneratedEtc(dir),
          workDirLimit === 'image'
            ? mountWorkDirImage(spec.workDir, spec.limits.workDirMb)
            : mkdir(spec.workDir, { recursive: true }).then(() => undefined),
          cgroupMode.version === 'none'
            ? Promise.resolve(undefined)
            : createSandboxCgroup(cgroupMode, spec.sandboxId, spec.limits),
        ]);
        if (mounted.status === 'fulfilled') workDir = mounted.value;
        if (limited.status === 'fulfilled') cgroup = limited.value;
        for (const step of [etc, mounted, limited]) if (step.status === 'rejected') throw step.reason;
        const generatedEtc = (etc as PromiseFulfilledResult<Record<string, string>>).value;
        let oomBefore = 0;
        const generations = {
          start: async (signal?: AbortSignal) => {
            await rm(ipcDir, { recursive: true, force: true });
            await mkdir(ipcDir, { recursive: true, mode: 0o700 });
            oomBefore = (await cgroup?.oomKills()) ?? 0;
            const connection = createKernelConnection(ipcDir);
            await writeKernelConnectionFile(join(ipcDir, 'kernel.json'), connection, SANDBOX_PATHS.ipc);
            const args = bubblewrapArgs({
              hostIpcDir: ipcDir,
              hostWorkDir: spec.workDir,
              generatedEtc,
              hostEtc: hostEtcEntries(),
              ...rootLayout(),
              egressSocket: spec.egressProxySocket,
              ...(options.tcpForwards === undefined ? {} : { tcpForwards: options.tcpForwards }),
              tmpSizeMb: options.tmpSizeMb ?? 256,
              supportsDisableUserns: disableUserns,
              env: {
                ...baseKernelEnv(SANDBOX_PATHS.home, SANDBOX_PATHS.work),
                ...(spec.egressProxySocket === undefined ? {} : proxyEnv()),
                ...spec.env,
              },
              command: [SYSTEM_PYTHON, ...kernelArgs(join(SANDBOX_PATHS.ipc, 'kernel.json'))],
            });
            const [command, ...commandArgs] = limitedCommand(bwrap, args, cgroup, spec);
            return startKernelProcess(
              {
                command: command as string,
                args: commandArgs,
                env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
                client: {
                  connection,
                  ...(options.interruptGraceMs === undefined
                    ? {}
                    : { interruptGraceMs: options.interruptGraceMs }),
                  ...(options.outputCap === undefined ? {} : { outputCap: options.outputCap }),
                },
                readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
              },
              signal,
            );
          },
          explainDeath: async (exit: ProcessExit) => {
            if (cgroup !== undefined && (await cgroup.oomKills()) > oomBefore) {
              return `out of memory: the sandbox's limit of ${spec.limits.memoryMb} MB was reached`;
            }
            return exit.code === 137 ? 'killed by SIGKILL' : undefined;
          },
          dispose,
        };
        const first = await generations.start(startOptions?.signal);
        return superviseSandbox(spec.sandboxId, first, generations);
      } catch (error) {
        await dispose();
        throw error;
      }
    },
  };
}

// Joins the cgroup(s) from a tiny shell that then execs bwrap, so bwrap and everything under it start inside the
// limits (no window where the kernel runs unlimited). Without cgroups, rlimits are the fallback: RLIMIT_DATA rather
// than RLIMIT_AS, which breaks OpenBLAS's large virtual reservations.
function limitedCommand(
  bwrap: string,
  args: string[],
  cgroup: SandboxCgroup | undefined,
  spec: SandboxSpec,
): string[] {
  if (cgroup !== undefined) {
    const join = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
    return ['/bin/sh', '-c', join, 'rampart-cgroup', ...cgroup.procsFiles, '--', bwrap, ...args];
  }
  const memory = spec.limits.memoryMb * 1024 * 1024;
  return ['prlimit', `--data=${memory}`, `--nproc=${spec.limits.maxProcesses}`, '--', bwrap, ...args];
}

async function writeGeneratedEtc(dir: string): Promise<Record<string, string>> {
  const etc = join(dir, 'etc');
  await mkdir(etc, { recursive: true });
  const files: Record<string, string> = {
    passwd: `root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nsandbox:x:${SANDBOX_UID}:${SANDBOX_UID}:sandbox:${SANDBOX_PATHS.home}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
    group: `root:x:0:\nsandbox:x:${SANDBOX_UID}:\nnogroup:x:65534:\n`,
    hosts: '127.0.0.1 localhost sandbox\n::1 localhost\n',
  };
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    paths[name] = join(etc, name);
    await writeFile(paths[name], content, { mode: 0o644 });
  }
  return paths;
}

function hostEtcEntries(): string[] {
  const entries = readdirSync('/etc').filter(
    (name) => ETC_ALLOWLIST.includes(name) || name.startsWith('python3'),
  );
  return entries.map((name) => join('/etc', name));
}

// Merged-/usr systems have /lib, /bin … as symlinks into /usr; older ones have real directories.
function rootLayout(): { rootLinks: Record<string, string>; rootDirs: string[] } {
  const rootLinks: Record<string, string> = {};
  const rootDirs: string[] = [];
  for (const name of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    if (!existsSync(name)) continue;
    if (lstatSync(name).isSymbolicLink()) rootLinks[name] = readlinkSync(name);
    else rootDirs.push(name);
  }
  return { rootLinks, rootDirs };
}

async function probeHost(bwrap: string, workDirLimit: 'image' | 'none'): Promise<{ disableUserns: boolean }> {
  const missing = (what: string, install: string): SandboxError =>
    new SandboxError(
      'sandbox_unavailable',
      `${what} is missing: apt-get install --no-install-recommends ${install}`,
    );
  if (process.platform !== 'linux') {
    throw new SandboxError('sandbox_unavailable', 'the bubblewrap driver needs Linux; use another driver');
  }
  let help: string;
  try {
    help = (await run(bwrap, ['--help'])).stdout;
  } catch {
    throw missing(`bubblewrap (${bwrap})`, 'bubblewrap');
  }
  if (!existsSync('/usr/bin/socat')) throw missing('socat', 'socat');
  try {
    await run(SYSTEM_PYTHON, ['-c', 'import ipykernel'], { env: {} });
  } catch {
    throw missing(`${SYSTEM_PYTHON} with ipykernel`, 'python3-ipykernel');
  }
  if (workDirLimit === 'image') {
    if (process.getuid?.() !== 0) {
      throw new SandboxError(
        'sandbox_unavailable',
        "workDirLimit 'image' needs root (loop mounts); run as root or pass workDirLimit: 'none'",
      );
    }
    if (!existsSync('/usr/sbin/mkfs.ext4') && !existsSync('/sbin/mkfs.ext4'))
      throw missing('mkfs.ext4', 'e2fsprogs');
  }
  // A smoke run proves user namespaces work here (they can be disabled by sysctl or a container runtime).
  try {
    await run(bwrap, [
      '--unshare-all',
      '--unshare-user',
      '--ro-bind',
      '/usr',
      '/usr',
      ...Object.entries(rootLayout().rootLinks).flatMap(([l, t]) => ['--symlink', t, l]),
      '--',
      '/usr/bin/true',
    ]);
  } catch (error) {
    throw new SandboxError(
      'sandbox_unavailable',
      `bubblewrap cannot create namespaces on this host: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return { disableUserns: help.includes('--disable-userns') };
}
