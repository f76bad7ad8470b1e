// Numbers and stores one run's events for the worker that holds the run. Appends are serialized (a reader that
// sees seq n has seen every seq below it) and coalesced: events emitted while a write is in flight go out together
// in the next one (and, through the worker's batcher, in one transaction with other runs' events). Every append is
// fenced by the claim token; a refused append means the lease was lost. Once stored, the events themselves are
// handed to this process's stream readers with the signal, so a live reader does not read them back.
import type { NewRunEvent, RunEventRecord, Store } from '@rampart/store';
import type { AgentEventBody } from '../agent-events.js';
import type { RunSignals } from './run-signals.js';

/** Where a writer appends (the worker's RunEventBatcher, or the store directly). */
export interface RunEventAppender {
  append(runId: string, workerId: string, events: NewRunEvent[]): Promise<boolean>;
}

/** Unstored events a run may have before emitNoWait makes the loop wait for the store (backpressure). */
const MAX_UNSTORED = 256;

/** Raised when the store refuses a write because another worker now holds the run. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  readonly code = 'lease_lost';
}

interface Pending {
  seq: number;
  type: string;
  bodyJson: string;
  at: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** Writes one run's events in order. */
export class RunEventWriter {
  private nextSeq: number;
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private failed: Error | undefined;
  private readonly held: NewRunEvent[] = [];
  private readonly appender: RunEventAppender;

  constructor(
    store: Store,
    private readonly signals: RunSignals,
    private readonly runId: string,
    private readonly claimToken: string,
    lastSeq: number,
    private readonly now: () => number,
    appender?: RunEventAppender,
  ) {
    this.nextSeq = lastSeq + 1;
    this.appender = appender ?? store.runEvents;
  }

  /** The seq the next event gets. */
  get seq(): number {
    return this.nextSeq;
  }

  /**
   * Numbers the event now and resolves once it is stored. The final event (`done`/`error`) and anything after it
   * are held back instead, for the run's finishing transaction (takeHeld).
   */
  emit(body: AgentEventBody): Promise<void> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    if (this.held.length > 0 || body.type === 'done' || body.type === 'error') {
      this.held.push({
        seq: this.nextSeq++,
        type: body.type,
        bodyJson: JSON.stringify(body),
        at: this.now(),
      });
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({
        seq: this.nextSeq++,
        type: body.type,
        bodyJson: JSON.stringify(body),
        at: this.now(),
        resolve,
        reject,
      });
      if (this.writing === undefined) this.writing = this.drain();
    });
  }

  /**
   * Like emit, but resolves at once while few events are unstored: the loop goes on streaming while the store
   * catches up. A failed write (lost lease) surfaces at the next emit or at flush(), which every checkpoint and
   * the run's end await, so nothing is checkpointed ahead of its events.
   */
  emitNoWait(body: AgentEventBody): Promise<void> {
    const stored = this.emit(body);
    if (this.queue.length >= MAX_UNSTORED) return stored;
    stored.catch(() => undefined);
    return Promise.resolve();
  }

  /** The held-back final events (emptied), to be written with the run's end. */
  takeHeld(): NewRunEvent[] {
    return this.held.splice(0);
  }

  /** Tells stream readers that these events are stored (after the finishing transaction). */
  stored(events: readonly NewRunEvent[]): void {
    if (events.length === 0) return;
    const records = events.map((e): RunEventRecord => ({ runId: this.runId, ...e }));
    this.signals.eventsStored(this.runId, records[records.length - 1]!.seq, records);
  }

  /** Resolves once every event emitted so far is stored (rejects if one could not be). */
  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    if (this.failed !== undefined) throw this.failed;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        if (this.failed !== undefined) throw this.failed;
        const events = batch.map((p) => ({ seq: p.seq, type: p.type, bodyJson: p.bodyJson, at: p.at }));
        const ok = await this.appender.append(this.runId, this.claimToken, events);
        if (!ok) throw new LeaseLostError(`run ${this.runId}: the lease was lost; events not written`);
        this.stored(events);
        for (const p of batch) p.resolve();
      } catch (error) {
        this.failed ??= error instanceof Error ? error : new Error(String(error));
        for (const p of batch) p.reject(error);
      }
    }
    this.writing = undefined;
  }
}
