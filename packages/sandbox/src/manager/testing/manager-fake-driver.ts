// A driver that starts no process: a scripted kernel with just enough Python-like behaviour for manager tests
// (assignments persist, `1+1` is 2, `sleep(ms)` blocks, freeze() stops heartbeats and cells, die() ends it).
import type {
  CellResult,
  KernelClient,
  RunningSandbox,
  SandboxDriver,
  SandboxSpec,
} from '../../sandbox-driver.js';

/** A fake sandbox, controllable by tests. */
export interface FakeSandbox extends RunningSandbox {
  spec: SandboxSpec;
  frozen: boolean;
  stopped: boolean;
  /** Ends the process as if it crashed. */
  die(): void;
}

/** The fake driver and what it saw. */
export interface FakeDriver extends SandboxDriver {
  starts: SandboxSpec[];
  sandboxes: FakeSandbox[];
  /** Makes start() take this long (widens race windows). */
  startDelayMs: number;
}

// Above Linux's pid_max (2^22): these pids never belong to a real process, so reaping can never hit one.
let nextPid = 2 ** 22 + 1000;

/** Creates a fake driver. */
export function createFakeDriver(options: { startDelayMs?: number } = {}): FakeDriver {
  const driver: FakeDriver = {
    name: 'fake',
    isolated: false,
    starts: [],
    sandboxes: [],
    startDelayMs: options.startDelayMs ?? 0,
    async checkAvailable() {},
    async start(spec) {
      driver.starts.push(spec);
      if (driver.startDelayMs > 0) await new Promise((r) => setTimeout(r, driver.startDelayMs));
      const sandbox = fakeSandbox(spec);
      driver.sandboxes.push(sandbox);
      return sandbox;
    },
  };
  return driver;
}

function fakeSandbox(spec: SandboxSpec): FakeSandbox {
  const vars = new Map<string, string>();
  let count = 0;
  let resolveExit!: (exit: { code: number | null; signal: NodeJS.Signals | null }) => void;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (r) => (resolveExit = r),
  );
  const result = (partial: Partial<CellResult>): CellResult => ({
    status: 'ok',
    executionCount: ++count,
    outputs: [],
    kernelRestarted: false,
    durationMs: 1,
    ...partial,
  });
  const kernel: KernelClient = {
    async execute(code, { timeoutMs }) {
      if (sandbox.stopped) throw new Error('kernel closed');
      if (sandbox.frozen) {
        await new Promise((r) => setTimeout(r, timeoutMs));
        return result({ status: 'timeout' });
      }
      const sleepMs = /^sleep\((\d+)\)$/.exec(code.trim());
      if (sleepMs) {
        const ms = Number(sleepMs[1]);
        await new Promise((r) => setTimeout(r, Math.min(ms, timeoutMs)));
        return result({ status: ms > timeoutMs ? 'timeout' : 'ok' });
      }
      if (code.trim() === '1+1')
        return result({ outputs: [{ kind: 'result', data: { 'text/plain': '2' } }] });
      const assign = /^(\w+)\s*=\s*(.+)$/.exec(code.trim());
      if (assign) {
        vars.set(assign[1] as string, (assign[2] as string).trim());
        return result({});
      }
      const name = /^(\w+)$/.exec(code.trim());
      if (name) {
        const value = vars.get(name[1] as string);
        if (value === undefined) {
          const error = {
            ename: 'NameError',
            evalue: `name '${name[1]}' is not defined`,
            traceback: ['NameError'],
          };
          return result({ status: 'error', outputs: [{ kind: 'error', data: {}, error }] });
        }
        return result({ outputs: [{ kind: 'result', data: { 'text/plain': value } }] });
      }
      return result({ outputs: [{ kind: 'stream', name: 'stdout', data: { 'text/plain': code } }] });
    },
    async heartbeat(timeoutMs) {
      if (sandbox.frozen || sandbox.stopped) {
        await new Promise((r) => setTimeout(r, Math.min(timeoutMs, 20)));
        return false;
      }
      return true;
    },
    async interrupt() {},
    async close() {
      await sandbox.stop();
    },
  };
  const sandbox: FakeSandbox = {
    sandboxId: spec.sandboxId,
    pid: nextPid++,
    kernel,
    exited,
    spec,
    frozen: false,
    stopped: false,
    die() {
      sandbox.stopped = true;
      resolveExit({ code: 137, signal: null });
    },
    async stop() {
      sandbox.stopped = true;
      resolveExit({ code: null, signal: 'SIGKILL' });
    },
  };
  return sandbox;
}
