// A client for one IPython kernel over ZeroMQ (Jupyter messaging protocol v5.3). It knows nothing about processes:
// the driver owns the kernel process and decides to restart it when this client reports it unresponsive.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Zeromq from 'zeromq';
import type { Dealer, Subscriber } from 'zeromq';
import type { CellOutput, CellResult, KernelClient } from '../sandbox-driver.js';
import { kernelEndpoint, type KernelConnection } from './kernel-connection.js';
import { SandboxError } from './kernel-errors.js';
import { CellOutputCollector, DEFAULT_OUTPUT_CAP, type OutputCapOptions } from './kernel-output-collector.js';
import { KernelWire, type KernelMessage } from './kernel-wire.js';

// zeromq (CommonJS, so require() gives the module `import` would) loads with the first kernel: the gateway
// process imports this package for its notebook tool but, without notebooks, never opens a kernel (~4 MB resident).
const require = createRequire(import.meta.url);
const loadZeromq = () => require('zeromq') as typeof Zeromq;

/** Options of a kernel client. */
export interface ZmqKernelClientOptions {
  connection: KernelConnection;
  /** Caps on captured output per cell (defaults: 64 KiB head + 64 KiB tail of stream text, 8 MiB rich). */
  outputCap?: Partial<OutputCapOptions>;
  /** After an interrupt, how long the cell may take to stop before the kernel is declared unresponsive. */
  interruptGraceMs?: number;
  /** Largest message accepted from the kernel; a bigger one drops the connection instead of filling our memory. */
  maxMessageBytes?: number;
}

/** Thrown by execute() when the cell did not stop after an interrupt; the caller must restart the kernel. */
export class KernelUnresponsiveError extends SandboxError {
  override readonly name = 'KernelUnresponsiveError';
  constructor(
    readonly reason: 'timeout' | 'interrupted',
    /** What the cell printed before it was given up on. */
    readonly partial: CellOutput[],
    readonly durationMs: number,
  ) {
    super('kernel_unresponsive', `the cell did not stop after an interrupt (${reason})`);
  }
}

/** Thrown by execute() when the kernel died (or the client was failed) while a cell ran. */
export class KernelDiedError extends SandboxError {
  override readonly name = 'KernelDiedError';
  constructor(
    message: string,
    readonly partial: CellOutput[],
    readonly durationMs: number,
  ) {
    super('kernel_died', message);
  }
}

interface PendingRequest {
  onIopub(message: KernelMessage): void;
  onReply(message: KernelMessage): void;
  fail(error: Error): void;
}

// zeromq@6 rejects a send while another send on the same socket is in flight, so sends are chained per socket.
class SerialSender {
  #tail: Promise<unknown> = Promise.resolve();
  constructor(readonly socket: Dealer) {}
  send(frames: Buffer[]): Promise<void> {
    const next = this.#tail.then(() => this.socket.send(frames));
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

/** How soon kernel_info is repeated while the kernel answers on shell but its iopub is not heard yet. */
const READY_REPEAT_MS = 10;

/**
 * How often a socket retries connecting (libzmq's default is 100 ms). The kernel binds its ipc sockets some
 * 100-300 ms after it is spawned, and every retry interval left over is added to the cold start.
 */
const RECONNECT_INTERVAL_MS = 10;

/** How long after execute_reply a missing idle status is given up for. */
const IDLE_GRACE_MS = 3_000;

/** Speaks to one kernel over its five ipc sockets. */
export class ZmqKernelClient implements KernelClient {
  readonly #wire: KernelWire;
  readonly #cap: OutputCapOptions;
  readonly #graceMs: number;
  readonly #shell: SerialSender;
  readonly #control: SerialSender;
  readonly #stdin: SerialSender;
  readonly #hb: SerialSender;
  readonly #iopub: Subscriber;
  readonly #pending = new Map<string, PendingRequest>();
  readonly #pings = new Map<string, () => void>();
  #queue: Promise<unknown> = Promise.resolve();
  #closedError: Error | undefined;

  constructor(options: ZmqKernelClientOptions) {
    const { connection } = options;
    this.#wire = new KernelWire(connection.key);
    this.#cap = { ...DEFAULT_OUTPUT_CAP, ...options.outputCap };
    this.#graceMs = options.interruptGraceMs ?? 2000;
    const maxMessageSize = options.maxMessageBytes ?? 32 * 1024 * 1024;
    // linger 0: closing must never wait on a dead kernel. The stdin socket shares the shell's identity, as the
    // protocol requires for input_request routing.
    const routingId = this.#wire.session;
    const { Dealer, Subscriber } = loadZeromq();
    const dealer = (channel: 'shell' | 'control' | 'stdin' | 'hb', withId: boolean): SerialSender => {
      const socket = new Dealer({
        linger: 0,
        maxMessageSize,
        reconnectInterval: RECONNECT_INTERVAL_MS,
        ...(withId ? { routingId } : {}),
      });
      socket.connect(kernelEndpoint(connection.ipcDir, channel));
      return new SerialSender(socket);
    };
    this.#shell = dealer('shell', true);
    this.#stdin = dealer('stdin', true);
    this.#control = dealer('control', false);
    this.#hb = dealer('hb', false);
    this.#iopub = new Subscriber({ linger: 0, maxMessageSize, reconnectInterval: RECONNECT_INTERVAL_MS });
    this.#iopub.subscribe();
    this.#iopub.connect(kernelEndpoint(connection.ipcDir, 'iopub'));
    void this.#pump(this.#iopub, (frames) => this.#dispatch(frames, 'iopub'));
    void this.#pump(this.#shell.socket, (frames) => this.#dispatch(frames, 'reply'));
    void this.#pump(this.#control.socket, (frames) => this.#dispatch(frames, 'reply'));
    void this.#pump(this.#stdin.socket, (frames) => this.#onStdin(frames));
    void this.#pump(this.#hb.socket, (frames) => this.#pings.get(frames[0]?.toString() ?? '')?.());
  }

  /**
   * Resolves once the kernel answers kernel_info on shell AND its iopub messages reach us. A SUB socket misses what
   * is published before its subscription lands (the slow-joiner problem), so after a reply without iopub the
   * request is repeated at once; any of our requests' iopub messages proves the subscription. Before the first reply
   * the request simply waits in the socket's queue for the kernel to serve it; it is repeated only rarely, in case it
   * went to a socket that vanished.
   */
  async waitReady(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let replied = false;
    let heard = false;
    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    const check = (): void => {
      if (replied && heard) resolveReady();
    };
    const handlers: PendingRequest = {
      onReply: (message) => {
        if (message.header.msg_type !== 'kernel_info_reply') return;
        replied = true;
        check();
      },
      onIopub: () => {
        heard = true;
        check();
      },
      fail: rejectReady,
    };
    const sent: string[] = [];
    let quietWaitMs = 250;
    try {
      for (;;) {
        this.#throwIfClosed();
        const left = deadline - Date.now();
        if (left <= 0) break;
        const message = this.#wire.message('kernel_info_request', {});
        this.#pending.set(message.header.msg_id, handlers);
        sent.push(message.header.msg_id);
        await this.#shell.send(this.#wire.encode(message));
        const waitMs = replied ? READY_REPEAT_MS : quietWaitMs;
        if (!replied) quietWaitMs = Math.min(quietWaitMs * 2, 2000);
        const outcome = await waitUntil(ready, Math.min(waitMs, left), signal);
        if (outcome === undefined) return;
        if (outcome === 'interrupted') signal?.throwIfAborted();
      }
    } finally {
      for (const id of sent) this.#pending.delete(id);
    }
    throw new SandboxError(
      'sandbox_start_failed',
      `the kernel did not answer kernel_info within ${timeoutMs} ms`,
    );
  }

  /** Runs code; on timeout or abort interrupts it, and throws KernelUnresponsiveError if it will not stop. */
  execute(code: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<CellResult> {
    // One cell at a time: the kernel would queue them anyway, and a queued cell's timeout must not start early.
    const run = this.#queue.then(() => this.#execute(code, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Sends interrupt_request on the control channel and waits briefly for interrupt_reply. */
  async interrupt(): Promise<void> {
    this.#throwIfClosed();
    await this.#controlRequest('interrupt_request', {}, 1000);
  }

  /** True if the heartbeat channel echoes a ping within timeoutMs. */
  async heartbeat(timeoutMs: number): Promise<boolean> {
    if (this.#closedError !== undefined) return false;
    const payload = randomUUID();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        this.#pings.delete(payload);
        resolve(ok);
      };
      this.#pings.set(payload, () => finish(true));
      this.#hb.send([Buffer.from(payload)]).catch(() => finish(false));
    });
  }

  /** Fails every pending and future request with error (the driver calls this when the kernel process exits). */
  fail(error: Error): void {
    this.#closedError ??= error;
    for (const pending of [...this.#pending.values()]) pending.fail(error);
  }

  /** Closes the sockets; pending requests fail with kernel_closed. */
  async close(): Promise<void> {
    this.fail(new SandboxError('kernel_closed', 'the kernel client was closed'));
    for (const socket of [
      this.#shell.socket,
      this.#control.socket,
      this.#stdin.socket,
      this.#hb.socket,
      this.#iopub,
    ]) {
      socket.close();
    }
  }

  async #execute(code: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<CellResult> {
    this.#throwIfClosed();
    const started = Date.now();
    const collector = new CellOutputCollector(this.#cap);
    let executionCount: number | null = null;
    let replyStatus = 'ok';
    let idle = false;
    let replied = false;
    let busyAt: number | undefined;
    let idleAt: number | undefined;
    let settle!: () => void;
    let reject!: (error: Error) => void;
    const done = new Promise<void>((resolve, fail) => {
      settle = resolve;
      reject = fail;
    });
    const check = (): void => {
      if (idle && replied) settle();
    };
    // stop_on_error false: after a failing cell, ipykernel would abort every execute_request that reaches its queue
    // before its own "stop aborting" callback runs. Cells are sent one at a time, so the only request it could
    // abort is the caller's next cell, sent the moment the idle status arrives — which, on a busy host, can beat
    // that callback: an innocent cell reported as failed without running.
    const message = this.#wire.message('execute_request', {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: false,
    });
    const msgId = message.header.msg_id;
    this.#pending.set(msgId, {
      onIopub: (msg) => {
        if (msg.header.msg_type === 'status' && msg.content.execution_state === 'busy') {
          busyAt = headerTimeMs(msg.header.date);
        } else if (msg.header.msg_type === 'status' && msg.content.execution_state === 'idle') {
          idleAt = headerTimeMs(msg.header.date);
          idle = true;
          check();
        } else {
          collectOutput(collector, msg);
        }
      },
      onReply: (msg) => {
        if (msg.header.msg_type !== 'execute_reply') return;
        replied = true;
        replyStatus = typeof msg.content.status === 'string' ? msg.content.status : 'error';
        executionCount = typeof msg.content.execution_count === 'number' ? msg.content.execution_count : null;
        check();
        // iopub and shell are separate sockets: if the idle status was lost (high-water mark, oversized message)
        // the reply still ends the cell, after a grace period for trailing outputs. Generous, since on a loaded
        // host iopub can lag the reply by hundreds of milliseconds, and ending early loses the cell's result;
        // it only ever applies when the idle status really went missing.
        setTimeout(() => {
          idle = true;
          check();
        }, IDLE_GRACE_MS).unref();
      },
      fail: (error) => reject(error),
    });

    let stopReason: 'timeout' | 'interrupted' | undefined;
    try {
      await this.#shell.send(this.#wire.encode(message));
      stopReason = await waitUntil(done, options.timeoutMs, options.signal);
      if (stopReason !== undefined) {
        await this.interrupt().catch(() => undefined);
        const stopped = await waitUntil(done, this.#graceMs, undefined);
        if (stopped !== undefined)
          throw new KernelUnresponsiveError(stopReason, collector.finish(), Date.now() - started);
      }
    } catch (error) {
      if (error instanceof KernelUnresponsiveError) throw error;
      throw new KernelDiedError(
        error instanceof Error ? error.message : String(error),
        collector.finish(),
        Date.now() - started,
      );
    } finally {
      this.#pending.delete(msgId);
    }
    if (replyStatus === 'aborted') {
      // Never expected (stop_on_error is off), but a cell that did not run must not look like one that printed
      // nothing.
      const evalue = 'The kernel aborted this cell without running it. Run it again.';
      collector.add({
        kind: 'error',
        data: { 'text/plain': `CellAborted: ${evalue}` },
        error: { ename: 'CellAborted', evalue, traceback: [] },
      });
    }
    return {
      status: stopReason ?? (replyStatus === 'ok' ? 'ok' : 'error'),
      executionCount,
      outputs: collector.finish(),
      kernelRestarted: false,
      durationMs: Date.now() - started,
      ...(busyAt !== undefined && idleAt !== undefined && idleAt >= busyAt
        ? { kernelMs: idleAt - busyAt }
        : {}),
    };
  }

  /** Sends one request on control and waits for its reply; resolves false on timeout. */
  async #controlRequest(
    msgType: string,
    content: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<boolean> {
    const message = this.#wire.message(msgType, content);
    let resolveDone!: () => void;
    let rejectDone!: (error: Error) => void;
    const done = new Promise<void>((resolve, reject) => {
      resolveDone = resolve;
      rejectDone = reject;
    });
    this.#pending.set(message.header.msg_id, {
      onIopub: () => undefined,
      onReply: () => resolveDone(),
      fail: rejectDone,
    });
    try {
      await this.#control.send(this.#wire.encode(message));
      return (await waitUntil(done, Math.max(1, timeoutMs), undefined)) === undefined;
    } finally {
      this.#pending.delete(message.header.msg_id);
    }
  }

  #dispatch(frames: Buffer[], kind: 'iopub' | 'reply'): void {
    const message = this.#wire.decode(frames);
    const parent = message?.parent_header.msg_id;
    if (message === undefined || parent === undefined) return;
    const pending = this.#pending.get(parent);
    if (kind === 'iopub') pending?.onIopub(message);
    else pending?.onReply(message);
  }

  // allow_stdin is always false, so input_request should never come; answer anyway so a cell cannot hang on it.
  #onStdin(frames: Buffer[]): void {
    const request = this.#wire.decode(frames);
    if (request?.header.msg_type !== 'input_request') return;
    const reply = this.#wire.message('input_reply', { value: '' });
    reply.parent_header = request.header;
    void this.#stdin.send(this.#wire.encode(reply)).catch(() => undefined);
  }

  async #pump(socket: Dealer | Subscriber, handle: (frames: Buffer[]) => void): Promise<void> {
    try {
      for await (const frames of socket) handle(frames);
    } catch {
      // The socket was closed; nothing is waiting on this loop.
    }
  }

  #throwIfClosed(): void {
    if (this.#closedError !== undefined) throw this.#closedError;
  }
}

/** Resolves undefined when `done` settles first, 'timeout' after timeoutMs, 'interrupted' when signal aborts. */
async function waitUntil(
  done: Promise<void>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<'timeout' | 'interrupted' | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      done.then(() => undefined),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
      new Promise<'interrupted'>((resolve) => {
        if (signal === undefined) return;
        onAbort = () => resolve('interrupted');
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}

/** A header's ISO date as epoch milliseconds with its microseconds kept (Date.parse drops them). */
function headerTimeMs(date: string): number | undefined {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(date);
  if (match === null) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3] ?? 'Z'}`);
  if (Number.isNaN(seconds)) return undefined;
  return seconds + Number(`0.${match[2] ?? '0'}`) * 1000;
}

/** Turns one iopub message into collected output. */
function collectOutput(collector: CellOutputCollector, message: KernelMessage): void {
  const { content } = message;
  switch (message.header.msg_type) {
    case 'stream':
      collector.add({
        kind: 'stream',
        name: String(content.name),
        data: { 'text/plain': typeof content.text === 'string' ? content.text : '' },
      });
      return;
    case 'execute_result':
      collector.add({ kind: 'result', data: mimeBundle(content.data) });
      return;
    case 'display_data':
    case 'update_display_data':
      collector.add({ kind: 'display', data: mimeBundle(content.data) });
      return;
    case 'error': {
      const traceback = Array.isArray(content.traceback) ? content.traceback.map(String) : [];
      const error = { ename: String(content.ename), evalue: String(content.evalue), traceback };
      collector.add({ kind: 'error', data: { 'text/plain': `${error.ename}: ${error.evalue}` }, error });
      return;
    }
    case 'clear_output':
      collector.clear();
      return;
    default:
  }
}

/** Keeps string-valued MIME entries; JSON-valued ones (application/json) are serialized. */
function mimeBundle(data: unknown): Record<string, string> {
  const bundle: Record<string, string> = {};
  if (typeof data !== 'object' || data === null) return bundle;
  for (const [mime, value] of Object.entries(data)) {
    bundle[mime] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return bundle;
}
