// GET /v1/runs/{id}/events: the run's events as Server-Sent Events (`id:` = seq, `event:` = type). The store is
// the only source: the stream reads every event after the last id it sent, in order, so a reconnect with
// Last-Event-ID continues exactly after it (nothing lost, nothing repeated), and a live tail is the same read
// woken by a signal (with a poll as the safety net for a lost signal). It ends after `done` or `error`.
import type { ServerResponse } from 'node:http';
import type { Store } from '@rampart/store';
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
  let timedOut = true;
  let wake: (() => void) | undefined;
  let signalled = false;
  const poke = () => {
    signalled = true;
    wake?.();
  };
  let closed = false;
  const onClose = () => {
    closed = true;
    poke();
  };
  response.on('close', onClose);
  const unsubscribe = signals.onEventsStored(runId, (seq) => {
    if (seq > last) poke();
  });
  const heartbeat = setInterval(() => {
    if (!closed) response.write(': keep-alive\n\n');
  }, options.heartbeatMs ?? 15_000);

  try {
    for (;;) {
      signalled = false;
      const events = await store.runEvents.list(runId, last, 500);
      let ended = false;
      for (const event of events) {
        if (closed) return;
        const inner = event.bodyJson.slice(1, -1);
        const data = `{${inner}${inner === '' ? '' : ','}"seq":${event.seq},"at":${event.at}}`;
        const ok = response.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${data}\n\n`);
        last = event.seq;
        if (TERMINAL.has(event.type)) ended = true;
        if (!ok) await new Promise<void>((resolve) => response.once('drain', resolve).once('close', resolve));
      }
      if (ended || closed) return;
      if (events.length === 500) continue;
      if (events.length === 0 && timedOut) {
        // A run can end without a final event only through an operator's hand; do not hang on it forever.
        // (Checked on quiet polls only: a signal means events exist.)
        const run = await store.runs.get(runId);
        if (run === undefined || (run.status !== 'queued' && run.status !== 'running')) {
          if ((await store.runEvents.lastSeq(runId)) <= last) return;
          continue;
        }
      }
      if (signalled) continue;
      timedOut = false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timedOut = true;
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
