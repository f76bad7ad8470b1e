// Spawns one kernel process (bare or wrapped in bwrap) and connects a client to it. The start is raced against the
// process exiting, so a sandbox that dies at birth (bad flag, missing python module) fails in milliseconds with its
// stderr, instead of after the ready timeout.
import { spawn, type ChildProcess } from 'node:child_process';
import { ZmqKernelClient, type ZmqKernelClientOptions } from '../kernel/kernel-client.js';
import { SandboxError } from '../kernel/kernel-errors.js';

/** How one generation of a sandbox's kernel is started. */
export interface KernelProcessSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  client: ZmqKernelClientOptions;
  readyTimeoutMs: number;
}

/** Exit of a kernel process. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One started generation: the process, its connected client, how it ended. */
export interface KernelProcess {
  child: ChildProcess;
  client: ZmqKernelClient;
  exited: Promise<ProcessExit>;
  /** The last few KiB the process wrote to stderr, for error messages. */
  stderrTail(): string;
  /** SIGKILLs the process group and waits for the exit. */
  kill(): Promise<ProcessExit>;
}

const STDERR_TAIL_BYTES = 4096;

/** Spawns the process and resolves once its kernel answers; rejects with its stderr if it exits first. */
export async function startKernelProcess(
  spec: KernelProcessSpec,
  signal?: AbortSignal,
): Promise<KernelProcess> {
  signal?.throwIfAborted();
  // detached: its own process group, so kill() reaches everything it forked (the unsafe driver has no pid namespace).
  const child = spawn(spec.command, spec.args, {
    env: spec.env,
    cwd: spec.cwd,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, exitSignal) => resolve({ code, signal: exitSignal }));
  });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(
        new SandboxError('sandbox_start_failed', `cannot spawn ${spec.command}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
  });
  const client = new ZmqKernelClient(spec.client);
  const kill = async (): Promise<ProcessExit> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    return exited;
  };
  const started: KernelProcess = { child, client, exited, stderrTail: () => stderr.trim(), kill };
  void exited.then((exit) =>
    client.fail(new SandboxError('kernel_died', `the kernel process exited (${describeExit(exit)})`)),
  );

  try {
    await Promise.race([
      client.waitReady(spec.readyTimeoutMs, signal),
      spawnError,
      exited.then((exit) => {
        // Give the stderr pipe a moment to drain: the message explaining the failure is usually the last thing.
        return new Promise<never>((_, reject) =>
          setTimeout(() => {
            const detail = stderr.trim() === '' ? '' : `: ${stderr.trim()}`;
            reject(
              new SandboxError(
                'sandbox_start_failed',
                `the sandbox exited during start (${describeExit(exit)})${detail}`,
              ),
            );
          }, 20),
        );
      }),
    ]);
    return started;
  } catch (error) {
    await kill();
    await client.close();
    throw error;
  }
}

/** "exit code 1" or "killed by SIGKILL". */
export function describeExit(exit: ProcessExit): string {
  if (exit.signal !== null) return `killed by ${exit.signal}`;
  // bwrap reports a child killed by signal N as exit code 128+N.
  if (exit.code !== null && exit.code > 128)
    return `exit code ${exit.code}, i.e. killed by signal ${exit.code - 128}`;
  return `exit code ${exit.code}`;
}
