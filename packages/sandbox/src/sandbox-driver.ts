// The contract between the sandbox lifecycle manager and the things that actually run kernels.
// A driver starts one isolated Python kernel for one thread; the manager decides when, and how many.
// Bubblewrap is the default driver on Linux; a microVM or remote driver can implement the same interface.

/** Resource limits of one sandbox. */
export interface SandboxLimits {
  memoryMb: number;
  /** CPU share as a percentage of one core (100 = one full core). */
  cpuPercent: number;
  maxProcesses: number;
  workDirMb: number;
}

/** Everything a driver needs to start one sandbox. */
export interface SandboxSpec {
  sandboxId: string;
  threadId: string;
  userId: string;
  /** Host directory that becomes the sandbox's private writable work dir; kept across kernel restarts. */
  workDir: string;
  limits: SandboxLimits;
  /** Host unix socket of the egress proxy, bind-mounted read-only; absent = no network at all. */
  egressProxySocket?: string;
  /** Extra environment for the kernel, e.g. the thread's virtual key and gateway URL. Never real provider keys. */
  env: Record<string, string>;
}

/** What one cell produced. */
export interface CellOutput {
  /** 'stream' text, 'result' (execute_result), 'display' (display_data), 'error' (traceback). */
  kind: 'stream' | 'result' | 'display' | 'error';
  /** For stream: 'stdout' | 'stderr'. */
  name?: string;
  /** MIME bundle for result/display, e.g. { 'text/plain': '2', 'image/png': '<base64>' }; text for stream. */
  data: Record<string, string>;
  /** For error: ename, evalue, traceback lines. */
  error?: { ename: string; evalue: string; traceback: string[] };
}

/** The outcome of executing one cell. */
export interface CellResult {
  status: 'ok' | 'error' | 'timeout' | 'interrupted';
  executionCount: number | null;
  outputs: CellOutput[];
  /** True when the kernel had to be restarted (e.g. the cell ignored an interrupt): variables are lost. */
  kernelRestarted: boolean;
  durationMs: number;
  /**
   * What the kernel itself spent on the request: from its busy to its idle status, by the stamps it put on them
   * (same host clock). durationMs minus this is transport and client; absent when a status went missing.
   */
  kernelMs?: number;
}

/** A live kernel inside a sandbox, spoken to over the Jupyter messaging protocol. */
export interface KernelClient {
  /** Runs code; on timeout interrupts through the control channel and reports status 'timeout'. */
  execute(code: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<CellResult>;
  /** Heartbeat: resolves true if the kernel's heartbeat channel answers within timeoutMs. */
  heartbeat(timeoutMs: number): Promise<boolean>;
  /** Sends interrupt_request on the control channel. */
  interrupt(): Promise<void>;
  close(): Promise<void>;
}

/** One running sandbox as a driver returns it. */
export interface RunningSandbox {
  sandboxId: string;
  /** Host pid of the outermost sandbox process (bwrap), for reconciliation and reaping. */
  pid: number;
  kernel: KernelClient;
  /** Resolves when the sandbox process exits, for any reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the kernel and the sandbox and frees its resources (cgroup, sockets); the work dir is kept. */
  stop(): Promise<void>;
}

/** Starts isolated kernels. */
export interface SandboxDriver {
  readonly name: string;
  /** True when this driver really isolates (false only for the development-only unsafe driver). */
  readonly isolated: boolean;
  /** Throws a clear error naming what is missing (e.g. bubblewrap not installed). */
  checkAvailable(): Promise<void>;
  start(spec: SandboxSpec, options?: { signal?: AbortSignal }): Promise<RunningSandbox>;
}
