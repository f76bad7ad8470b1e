// DEVELOPMENT ONLY: runs the kernel as a plain child process of this host, with this host's filesystem, network and
// user. Nothing is isolated; it exists so the rest of the platform can be developed where bubblewrap is missing.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { access, constants } from 'node:fs/promises';
import type { RunningSandbox, SandboxDriver, SandboxSpec } from '../sandbox-driver.js';
import { createKernelConnection, writeKernelConnectionFile } from '../kernel/kernel-connection.js';
import { SandboxError } from '../kernel/kernel-errors.js';
import { baseKernelEnv, kernelArgs, SYSTEM_PYTHON } from '../kernel/kernel-launch.js';
import type { OutputCapOptions } from '../kernel/kernel-output-collector.js';
import { startKernelProcess } from './drivers-kernel-process.js';
import { superviseSandbox } from './drivers-supervised-sandbox.js';

/** Options of the unsafe local driver. */
export interface UnsafeLocalDriverOptions {
  /** Host directory under which each sandbox gets its socket directory (default /tmp/rampart-sandboxes). */
  runtimeDir?: string;
  readyTimeoutMs?: number;
  interruptGraceMs?: number;
  outputCap?: Partial<OutputCapOptions>;
}

/** A driver with NO isolation (isolated: false), for development only; same kernel client as the real one. */
export function createUnsafeLocalDriver(options: UnsafeLocalDriverOptions = {}): SandboxDriver {
  const runtimeDir = options.runtimeDir ?? '/tmp/rampart-sandboxes';
  return {
    name: 'unsafe-local',
    isolated: false,
    async checkAvailable() {
      try {
        await access(SYSTEM_PYTHON, constants.X_OK);
      } catch {
        throw new SandboxError(
          'sandbox_unavailable',
          `${SYSTEM_PYTHON} is missing: apt-get install python3-ipykernel`,
        );
      }
    },
    async start(spec: SandboxSpec, startOptions?: { signal?: AbortSignal }): Promise<RunningSandbox> {
      const dir = join(runtimeDir, spec.sandboxId);
      const home = join(dir, 'home');
      const generations = {
        start: async (signal?: AbortSignal) => {
          // Stale sockets of an earlier run would be connected to and silently ignored by nobody: wipe them.
          await rm(dir, { recursive: true, force: true });
          await mkdir(home, { recursive: true, mode: 0o700 });
          await mkdir(spec.workDir, { recursive: true });
          const connection = createKernelConnection(dir);
          const file = join(dir, 'kernel.json');
          await writeKernelConnectionFile(file, connection, dir);
          return startKernelProcess(
            {
              command: SYSTEM_PYTHON,
              args: kernelArgs(file),
              env: { ...baseKernelEnv(home, spec.workDir), ...spec.env },
              cwd: spec.workDir,
              client: {
                connection,
                ...(options.interruptGraceMs === undefined
                  ? {}
                  : { interruptGraceMs: options.interruptGraceMs }),
                ...(options.outputCap === undefined ? {} : { outputCap: options.outputCap }),
              },
              readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
            },
            signal,
          );
        },
        explainDeath: async () => undefined,
        dispose: () => rm(dir, { recursive: true, force: true }),
      };
      const first = await generations.start(startOptions?.signal);
      return superviseSandbox(spec.sandboxId, first, generations);
    },
  };
}
