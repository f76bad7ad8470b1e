// Runs the ledger's group commits on a thread of their own, for a SQLite database file: a commit's WAL writes,
// lock calls and checkpoint fsyncs are system calls that would otherwise stall every request on the HTTP
// thread. No request waits for these commits (a gateway on a file journals its pending rows instead:
// pending-journal.ts); they carry records, and the pending rows a reconciler moves in from dead gateways'
// journals. Started on the first commit (a gateway without a ledger never pays for it).
import { Worker } from 'node:worker_threads';
import { StoreError } from './store-errors.js';
import type { LedgerBatch } from './store-usage-records.js';
import type { LedgerWorkerData, LedgerWorkerReply } from './sqlite-ledger-worker.js';

interface Waiter {
  resolve(inserted: string[]): void;
  reject(error: unknown): void;
}

/** The ledger thread of one SQLite store. */
export class SqliteLedgerThread {
  readonly #data: LedgerWorkerData;
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #waiting = new Map<number, Waiter>();
  readonly #inFlight = new Set<Promise<string[]>>();

  constructor(file: string, busyTimeoutMs: number) {
    this.#data = { file, busyTimeoutMs };
  }

  /** Commits a batch on the ledger thread; resolves to the request ids whose records it inserted. */
  commit(batch: LedgerBatch): Promise<string[]> {
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    // Held while a commit is out (the process waits for it), let go when idle (it must not keep one alive).
    if (this.#waiting.size === 0) worker.ref();
    const done = new Promise<string[]>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ id, batch });
    });
    const forget = () => this.#inFlight.delete(done);
    done.then(forget, forget);
    this.#inFlight.add(done);
    return done;
  }

  /** Stops the thread once the commits it was given are done. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    await Promise.allSettled([...this.#inFlight]);
    this.#worker = undefined;
    await worker.terminate();
  }

  #start(): Worker {
    const [entry, options] = workerEntry();
    const worker = new Worker(entry, { ...options, workerData: this.#data });
    worker.on('message', (reply: LedgerWorkerReply) => {
      const waiter = this.#waiting.get(reply.id);
      if (!waiter) return;
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) worker.unref();
      if ('error' in reply) waiter.reject(new StoreError('store_write_failed', reply.error));
      else waiter.resolve(reply.inserted);
    });
    const fail = (error: unknown) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiter of this.#waiting.values()) waiter.reject(error);
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new StoreError('store_write_failed', `ledger thread exited (${code})`)));
    return worker;
  }
}

/**
 * The worker's entry: the bundled `sqlite-ledger-worker.js` beside this module in dist/, or under tsx (tests,
 * development) the TypeScript source, loaded through tsx's loader, which worker threads do not inherit.
 */
function workerEntry(): [string | URL, { eval?: boolean }] {
  if (!import.meta.url.endsWith('.ts')) return [new URL('./sqlite-ledger-worker.js', import.meta.url), {}];
  const source = new URL('./sqlite-ledger-worker.ts', import.meta.url).href;
  return [
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`,
    { eval: true },
  ];
}
