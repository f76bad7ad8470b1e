// One bench thread as a client drives it: create a thread, post a message, stream the run's events to the end.
import { httpJson, readSse, type BenchEvent } from './agent-bench-http.js';

/** What one thread's client saw. */
export interface ThreadOutcome {
  ok: boolean;
  error?: string;
  startedAt: number;
  endedAt: number;
  events: number;
  /** When the thread was created, the message posted and the stream opened (ms after startedAt). */
  phasesMs: { created: number; posted: number; opened: number };
  /**
   * Receive time minus the event's own timestamp (`at`, set when the worker emitted it; same clock, same
   * machine), for every event of the run. The stream is opened the moment the 202 arrives, so an event emitted
   * before it was open (run_started, typically) counts the time the API took to answer and open the stream.
   */
  latenciesMs: number[];
  /** The type of each event, in the same order as latenciesMs. */
  eventTypes: string[];
}

/** Runs one thread through the API. */
export async function driveThread(base: string, user: string, signal: AbortSignal): Promise<ThreadOutcome> {
  const startedAt = Date.now();
  const headers = { authorization: `Bearer key-${user}`, 'content-type': 'application/json' };
  try {
    const thread = await httpJson(`${base}/v1/threads`, 'POST', headers, '{}', signal);
    if (thread.status !== 201) throw new Error(`create thread: HTTP ${thread.status}`);
    const { id } = thread.body as { id: string };
    const created = Date.now() - startedAt;
    const post = await httpJson(
      `${base}/v1/threads/${id}/messages`,
      'POST',
      { ...headers, 'idempotency-key': `bench-${user}` },
      JSON.stringify({ content: 'Count the data and give me the answer.' }),
      signal,
    );
    if (post.status !== 202) throw new Error(`post message: HTTP ${post.status}`);
    // The run id comes with the 202: open the stream right away.
    const { run } = post.body as { run: { id: string } };
    const posted = Date.now() - startedAt;
    let openedAt = Number.POSITIVE_INFINITY;
    const events: BenchEvent[] = await readSse(
      `${base}/v1/runs/${run.id}/events`,
      { authorization: headers.authorization },
      signal,
      (at) => (openedAt = at),
    );
    const endedAt = Date.now();
    const contiguous = events.every((e, i) => e.id === i + 1);
    const last = events.at(-1)?.type;
    return {
      ok: contiguous && last === 'done',
      ...(contiguous && last === 'done'
        ? {}
        : { error: `stream ended with ${last}, contiguous ${contiguous}` }),
      startedAt,
      endedAt,
      events: events.length,
      phasesMs: { created, posted, opened: openedAt - startedAt },
      latenciesMs: events.map((e) => e.receivedAt - e.at),
      eventTypes: events.map((e) => e.type),
    };
  } catch (error) {
    return {
      ok: false,
      error: (error as Error).message,
      startedAt,
      endedAt: Date.now(),
      events: 0,
      phasesMs: { created: 0, posted: 0, opened: 0 },
      latenciesMs: [],
      eventTypes: [],
    };
  }
}
