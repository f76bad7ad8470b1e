// Numbers and stores one run's events for the worker that holds the run. Appends are serialized (a reader that
// sees seq n has seen every seq below it) and coalesced: events emitted while a write is in flight go out together
// in the next one. Every append is fenced by the claim token; a refused append means the lease was lost.
import type { NewRunEvent, Store } from '@rampart/store';
import type { AgentEventBody } from '../agent-events.js';
import type { RunSignals } from './run-signals.js';

/** Raised when the store refuses a write because another worker now holds the run. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  readonly code = 'lease_lost';
}

interface Pending {
  seq: number;
  body: AgentEventBody;
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

  constructor(
    private readonly store: Store,
    private readonly signals: RunSignals,
    private readonly runId: string,
    private readonly claimToken: string,
    lastSeq: number,
    private readonly now: () => number,
  ) {
    this.nextSeq = lastSeq + 1;
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
      this.queue.push({ seq: this.nextSeq++, body, at: this.now(), resolve, reject });
      if (this.writing === undefined) this.writing = this.drain();
    });
  }

  /** The held-back final events (emptied), to be written with the run's end. */
  takeHeld(): NewRunEvent[] {
    return this.held.splice(0);
  }

  /** Tells stream readers that events up to seq are stored (after the finishing transaction). */
  stored(seq: number): void {
    this.signals.eventsStored(this.runId, seq);
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
        const ok = await this.store.runEvents.append(
          this.runId,
          this.claimToken,
          batch.map((p) => ({ seq: p.seq, type: p.body.type, bodyJson: JSON.stringify(p.body), at: p.at })),
        );
        if (!ok) throw new LeaseLostError(`run ${this.runId}: the lease was lost; events not written`);
        this.signals.eventsStored(this.runId, batch[batch.length - 1]!.seq);
        for (const p of batch) p.resolve();
      } catch (error) {
        this.failed ??= error instanceof Error ? error : new Error(String(error));
        for (const p of batch) p.reject(error);
      }
    }
    this.writing = undefined;
  }
}
