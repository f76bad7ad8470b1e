// Starts the servers a benchmark measures, each in its own OS process, and guarantees they are all gone when
// the benchmark ends — normally, on an exception, or on Ctrl-C. Output goes to a log file per process rather
// than a pipe: a pipe nobody drains fills up and stalls the server mid-measurement.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForHttp } from './wait-for-http.js';

/** What to run and how to tell it is ready to serve. */
export interface ProcessSpec {
  /** Short name for messages and the log file. */
  name: string;
  command: string;
  args: readonly string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** A URL answering any HTTP response once the server is ready. */
  readyUrl: string;
  readyTimeoutMs?: number;
}

/** A started server process. */
export interface RunningProcess {
  name: string;
  pid: number;
  logPath: string;
  /** The last lines the process wrote, for error messages. */
  tail(lines?: number): string;
}

/** A set of child processes that are stopped together. */
export class ChildProcessGroup {
  readonly #children = new Map<ChildProcess, string>();
  readonly #logDir: string;
  #onExit = () => this.killAllNow();

  constructor(logDir: string) {
    this.#logDir = logDir;
    // 'exit' handlers must be synchronous: SIGKILL is the one thing that still works there.
    process.on('exit', this.#onExit);
  }

  /** Spawns the process and resolves once `readyUrl` answers; rejects (and kills it) otherwise. */
  async start(spec: ProcessSpec): Promise<RunningProcess> {
    const logPath = join(this.#logDir, `${spec.name}.log`);
    const fd = openSync(logPath, 'w');
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env },
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    this.#children.set(child, spec.name);
    const tail = (lines = 20) => readTail(logPath, lines);
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        this.#children.delete(child);
        reject(
          new Error(
            `${spec.name} exited before it was ready (code ${code}, signal ${signal}): ${firstErrorLine(tail(40))}`,
          ),
        );
      });
      child.once('error', (error) => reject(new Error(`${spec.name} could not start: ${error.message}`)));
    });
    exited.catch(() => {}); // only observed while waiting for readiness
    try {
      await Promise.race([waitForHttp(spec.readyUrl, spec.readyTimeoutMs ?? 20_000), exited]);
    } catch (error) {
      await this.#stop(child);
      throw new Error(`${spec.name}: ${(error as Error).message}\n${tail()}`, { cause: error });
    }
    if (child.pid === undefined) throw new Error(`${spec.name} has no pid`);
    return { name: spec.name, pid: child.pid, logPath, tail };
  }

  /** Stops every process: SIGTERM, then SIGKILL for any still alive after `graceMs`. */
  async stopAll(graceMs = 2_000): Promise<void> {
    await Promise.all([...this.#children.keys()].map((child) => this.#stop(child, graceMs)));
    process.off('exit', this.#onExit);
  }

  /** Synchronous last resort (process exit): SIGKILL everything still running. */
  killAllNow(): void {
    for (const child of this.#children.keys()) child.kill('SIGKILL');
    this.#children.clear();
  }

  async #stop(child: ChildProcess, graceMs = 2_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
      this.#children.delete(child);
      return;
    }
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
    this.#children.delete(child);
  }
}

/** The line that names the failure (e.g. `Error [ERR_MODULE_NOT_FOUND]: …`), else the last line. */
function firstErrorLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /^(\w*Error\b|Error \[)/.test(line)) ?? lines.at(-1) ?? '(no output)';
}

function readTail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}
