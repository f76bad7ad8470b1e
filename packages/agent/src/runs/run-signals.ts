// Wake-ups between whoever writes a run's events and whoever streams them, and cancel requests to the worker that
// holds a run. The store is the truth: a lost or duplicated signal costs latency at worst, never an event. Within
// one process a signal also carries the stored events themselves, so a live reader sends them from memory instead
// of reading them back (it still reads the store whenever it is not exactly caught up). In-process by default;
// Redis pub/sub when the API and the workers are different processes (redis-run-signals.ts; there, other
// processes get the seq only and read the store).
import type { RunEventRecord } from '@rampart/store';

/** Notifications about runs. */
export interface RunSignals {
  /** Says that `runId`'s events up to `seq` are stored; `events` (in seq order, ending at seq) when at hand. */
  eventsStored(runId: string, seq: number, events?: readonly RunEventRecord[]): void;
  /** Calls listener whenever new events of runId are stored; returns the unsubscribe function. */
  onEventsStored(runId: string, listener: EventsStoredListener): () => void;
  /** Says that a cancel of runId was requested (the store has the flag). */
  cancelRequested(runId: string): void;
  /** Calls listener with the id of every run whose cancel was requested; returns the unsubscribe function. */
  onCancelRequested(listener: (runId: string) => void): () => void;
  close(): Promise<void>;
}

/** Hears that events up to seq are stored, with the events themselves when they were written in this process. */
export type EventsStoredListener = (seq: number, events?: readonly RunEventRecord[]) => void;

/** Listener bookkeeping shared by the implementations: local dispatch by run id. */
export class RunSignalListeners {
  private readonly events = new Map<string, Set<EventsStoredListener>>();
  private readonly cancels = new Set<(runId: string) => void>();

  addEvents(runId: string, listener: EventsStoredListener): () => void {
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

  dispatchEvents(runId: string, seq: number, events?: readonly RunEventRecord[]): void {
    const set = this.events.get(runId);
    if (set === undefined) return;
    for (const listener of [...set]) listener(seq, events);
  }

  dispatchCancel(runId: string): void {
    for (const listener of [...this.cancels]) listener(runId);
  }
}

/** Signals within one process (embedded mode). */
export function createInProcessRunSignals(): RunSignals {
  const listeners = new RunSignalListeners();
  return {
    eventsStored: (runId, seq, events) => listeners.dispatchEvents(runId, seq, events),
    onEventsStored: (runId, listener) => listeners.addEvents(runId, listener),
    cancelRequested: (runId) => listeners.dispatchCancel(runId),
    onCancelRequested: (listener) => listeners.addCancel(listener),
    close: async () => undefined,
  };
}
