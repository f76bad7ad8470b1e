// GET /v1/runs/{id}/events: the run's events as Server-Sent Events (`id:` = seq, `event:` = type), strictly in
// seq order from the last id the client saw, so a reconnect with Last-Event-ID continues exactly after it (nothing
// lost, nothing repeated). Catching up reads the store; a live tail of a run this process writes gets the events
// from memory with their "stored" signal (only events already stored are ever sent), and falls back to the store
// whenever the next seq is not at hand (another process wrote it, a gap, a quiet poll as the safety net for a
// lost signal). It ends after `done` or `error`.
import type { ServerResponse } from 'node:http';
import type { RunEventRecord, Store } from '@rampart/store';
import type { RunSignals } from '../runs/run-signals.js';

/** Options of one stream. */
export interface StreamRunEventsOptions {
  store: Store;
  signals: RunSignals;
  runId: string;
  /** Stream events with seq greater than this. */
  afterSeq: number;
  response: ServerResponse;
  requestId: string;
  /** Re-read even without a signal this often (default 1000 ms). */
  pollMs?: number;
  /** Comment line that keeps idle proxies from closing the stream (default every 15 000 ms). */
  heartbeatMs?: number;
}

const TERMINAL = new Set(['done', 'error']);

/** Streams until the run's final event was sent or the client went away. */
export async function streamRunEvents(options: StreamRunEventsOptions): Promise<void> {
  const { store, signals, runId, response } = options;
  const pollMs = options.pollMs ?? 1000;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': options.requestId,
  });
  response.flushHeaders();

  let last = options.afterSeq;
  // Events this process stored, handed over with their signal, not yet sent (in seq order).
  let inbox: RunEventRecord[] = [];
  // Read the store on the next turn: at the start, after a signal without events (another process wrote them),
  // after a gap in the inbox, and on every quiet poll.
  let mustRead = true;
  let polled = true;
  let wake: (() => void) | undefined;
  let closed = false;
  const onClose = () => {
    closed = true;
    wake?.();
  };
  response.on('close', onClose);
  const unsubscribe = signals.onEventsStored(runId, (seq, events) => {
    if (seq <= last) return;
    if (events === undefined) mustRead = true;
    else inbox.push(...events);
    wake?.();
  });
  const heartbeat = setInterval(() => {
    if (!closed) response.write(': keep-alive\n\n');
  }, options.heartbeatMs ?? 15_000);

  /** The inbox's events that continue exactly after `last`; a gap means the store must be read. */
  const fromInbox = (): RunEventRecord[] => {
    let i = 0;
    while (i < inbox.length && inbox[i]!.seq <= last) i++;
    if (i < inbox.length && inbox[i]!.seq !== last + 1) {
      mustRead = true;
      inbox = [];
      return [];
    }
    let j = i;
    while (j < inbox.length && inbox[j]!.seq === last + 1 + (j - i)) j++;
    const ready = inbox.slice(i, j);
    inbox = inbox.slice(j);
    return ready;
  };

  try {
    for (;;) {
      let events = fromInbox();
      let read = false;
      if (events.length === 0 && mustRead) {
        mustRead = false;
        read = true;
        events = await store.runEvents.list(runId, last, 500);
      }
      let ended = false;
      // Events that arrive together leave in one socket write, not one syscall each.
      let frames = '';
      for (const event of events) {
        if (closed) return;
        if (event.seq <= last) continue;
        const inner = event.bodyJson.slice(1, -1);
        const data = `{${inner}${inner === '' ? '' : ','}"seq":${event.seq},"at":${event.at}}`;
        frames += `id: ${event.seq}\nevent: ${event.type}\ndata: ${data}\n\n`;
        last = event.seq;
        if (TERMINAL.has(event.type)) ended = true;
      }
      if (frames !== '' && !closed && !response.write(frames))
        await new Promise<void>((resolve) => response.once('drain', resolve).once('close', resolve));
      if (ended || closed) return;
      if (read && events.length === 500) {
        mustRead = true;
        continue;
      }
      if (read && events.length === 0 && polled) {
        // A run can end without a final event only through an operator's hand; do not hang on it forever.
        // (Checked on quiet polls only: a signal means events exist.)
        const run = await store.runs.get(runId);
        if (run === undefined || (run.status !== 'queued' && run.status !== 'running')) {
          if ((await store.runEvents.lastSeq(runId)) <= last) return;
          mustRead = true;
          continue;
        }
      }
      if (events.length > 0 || mustRead || inbox.length > 0) continue;
      polled = false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          polled = true;
          mustRead = true;
          resolve();
        }, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    clearInterval(heartbeat);
    unsubscribe();
    response.off('close', onClose);
    if (!response.writableEnded) response.end();
  }
}
