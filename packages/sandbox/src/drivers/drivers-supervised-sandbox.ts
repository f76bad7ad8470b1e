// One running sandbox as drivers return it. It owns successive generations of the kernel process: when a cell will
// not stop after an interrupt, or the kernel dies mid-cell (OOM, os._exit), it starts a fresh generation and the
// cell's result says kernelRestarted: true. A kernel that dies while idle is NOT restarted here: `exited` resolves
// and the lifecycle manager's recovery takes over, so exactly one component decides about idle failures.
import type { CellOutput, CellResult, KernelClient, RunningSandbox } from '../sandbox-driver.js';
import { KernelDiedError, KernelUnresponsiveError } from '../kernel/kernel-client.js';
import { SandboxError } from '../kernel/kernel-errors.js';
import { describeExit, type KernelProcess, type ProcessExit } from './drivers-kernel-process.js';

/** What a driver provides to supervise its sandboxes. */
export interface SandboxGenerations {
  /** Starts a new generation (process + ready client). */
  start(signal?: AbortSignal): Promise<KernelProcess>;
  /** Explains a death for the user, e.g. "the memory limit of 512 MB was reached". */
  explainDeath(exit: ProcessExit): Promise<string | undefined>;
  /** Frees what the whole sandbox holds (cgroup, mounts, sockets) once the last generation is gone. */
  dispose(): Promise<void>;
}

/** Creates the RunningSandbox for a started first generation. */
export function superviseSandbox(
  sandboxId: string,
  first: KernelProcess,
  generations: SandboxGenerations,
): RunningSandbox {
  let current = first;
  let busy = false;
  let stopping: Promise<void> | undefined;
  let resolveExited!: (exit: ProcessExit) => void;
  const exited = new Promise<ProcessExit>((resolve) => (resolveExited = resolve));

  const watch = (generation: KernelProcess): void => {
    void generation.exited.then((exit) => {
      // Deaths during a cell are handled (and restarted) by execute(); only idle deaths end the sandbox.
      if (generation !== current || busy || stopping !== undefined) return;
      void stop().then(() => resolveExited(exit));
    });
  };

  const restart = async (): Promise<void> => {
    await current.kill();
    await current.client.close();
    try {
      current = await generations.start();
      watch(current);
    } catch (error) {
      void stop().then(() => resolveExited({ code: null, signal: null }));
      throw new SandboxError('kernel_died', 'the kernel could not be restarted', { cause: error });
    }
  };

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const exit = await current.kill();
      await current.client.close();
      await generations.dispose();
      resolveExited(exit);
    })();
    return stopping;
  };

  const execute = async (
    code: string,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<CellResult> => {
    if (stopping !== undefined) throw new SandboxError('kernel_closed', `sandbox ${sandboxId} is stopped`);
    busy = true;
    try {
      return await current.client.execute(code, options);
    } catch (error) {
      if (error instanceof KernelUnresponsiveError) {
        await restart();
        const note = `The cell did not stop after an interrupt (${error.reason}); the kernel was restarted and its variables are lost.`;
        return restartedResult(error.reason, [...error.partial, notice(note)], error.durationMs);
      }
      if (error instanceof KernelDiedError && stopping === undefined) {
        const exit = await current.exited;
        const why = (await generations.explainDeath(exit)) ?? describeExit(exit);
        await restart();
        const died: CellOutput = {
          kind: 'error',
          data: { 'text/plain': `KernelDied: ${why}` },
          error: {
            ename: 'KernelDied',
            evalue: `The kernel died while running this cell (${why}). It was restarted: variables are lost.`,
            traceback: [],
          },
        };
        return restartedResult('error', [...error.partial, died], error.durationMs);
      }
      throw error;
    } finally {
      busy = false;
    }
  };

  const kernel: KernelClient = {
    execute,
    heartbeat: (timeoutMs) => current.client.heartbeat(timeoutMs),
    interrupt: () => current.client.interrupt(),
    // The kernel cannot outlive its connection in any useful way: closing it stops the sandbox.
    close: stop,
  };

  watch(first);
  return {
    sandboxId,
    get pid() {
      return current.child.pid ?? -1;
    },
    kernel,
    exited,
    stop,
  };
}

function restartedResult(
  status: CellResult['status'],
  outputs: CellOutput[],
  durationMs: number,
): CellResult {
  return { status, executionCount: null, outputs, kernelRestarted: true, durationMs };
}

function notice(text: string): CellOutput {
  return { kind: 'stream', name: 'stderr', data: { 'text/plain': `\n[rampart: ${text}]\n` } };
}
