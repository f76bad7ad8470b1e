// Wake-ups between whoever writes a run's events and whoever streams them, and cancel requests to the worker that
// holds a run. Signals carry no data that matters: the store is the truth (readers always re-read by seq), so a
// lost or duplicated signal costs latency at worst, never an event. In-process by default; Redis pub/sub when the
// API and the workers are different processes (redis-run-signals.ts).

/** Notifications about runs. */
export interface RunSignals {
  /** Says that `runId`'s events up to `seq` are stored. */
  eventsStored(runId: string, seq: number): void;
  /** Calls listener whenever new events of runId are stored; returns the unsubscribe function. */
  onEventsStored(runId: string, listener: (seq: number) => void): () => void;
  /** Says that a cancel of runId was requested (the store has the flag). */
  cancelRequested(runId: string): void;
  /** Calls listener with the id of every run whose cancel was requested; returns the unsubscribe function. */
  onCancelRequested(listener: (runId: string) => void): () => void;
  close(): Promise<void>;
}

/** Listener bookkeeping shared by the implementations: local dispatch by run id. */
export class RunSignalListeners {
  private readonly events = new Map<string, Set<(seq: number) => void>>();
  private readonly cancels = new Set<(runId: string) => void>();

  addEvents(runId: string, listener: (seq: number) => void): () => void {
    let set = this.events.get(runId);
    if (set === undefined) {
      set = new Set();
      this.events.set(runId, set);
    }
    set.add(listener);
    return () => {
      const current = this.events.get(runId);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size === 0) this.events.delete(runId);
    };
  }

  addCancel(listener: (runId: string) => void): () => void {
    this.cancels.add(listener);
    return () => this.cancels.delete(listener);
  }

  dispatchEvents(runId: string, seq: number): void {
    const set = this.events.get(runId);
    if (set === undefined) return;
    for (const listener of [...set]) listener(seq);
  }

  dispatchCancel(runId: string): void {
    for (const listener of [...this.cancels]) listener(runId);
  }
}

/** Signals within one process (embedded mode). */
export function createInProcessRunSignals(): RunSignals {
  const listeners = new RunSignalListeners();
  return {
    eventsStored: (runId, seq) => listeners.dispatchEvents(runId, seq),
    onEventsStored: (runId, listener) => listeners.addEvents(runId, listener),
    cancelRequested: (runId) => listeners.dispatchCancel(runId),
    onCancelRequested: (listener) => listeners.addCancel(listener),
    close: async () => undefined,
  };
}
