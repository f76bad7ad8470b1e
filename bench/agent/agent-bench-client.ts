// One bench thread as a client drives it: create a thread, post a message, stream the run's events to the end.
import { readRunEvents, type ReceivedEvent } from '@rampart/agent/testing';

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
   * Receive time minus the event's own timestamp (ms), for events emitted once the stream was open (earlier ones
   * waited for the client to connect, not for the platform).
   */
  latenciesMs: number[];
}

/** Runs one thread through the API. */
export async function driveThread(base: string, user: string, signal: AbortSignal): Promise<ThreadOutcome> {
  const startedAt = Date.now();
  const headers = { authorization: `Bearer key-${user}`, 'content-type': 'application/json' };
  try {
    const thread = await fetch(`${base}/v1/threads`, { method: 'POST', headers, body: '{}', signal });
    if (thread.status !== 201) throw new Error(`create thread: HTTP ${thread.status}`);
    const { id } = (await thread.json()) as { id: string };
    const created = Date.now() - startedAt;
    const post = await fetch(`${base}/v1/threads/${id}/messages`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `bench-${user}` },
      body: JSON.stringify({ content: 'Count the data and give me the answer.' }),
      signal,
    });
    if (post.status !== 202) throw new Error(`post message: HTTP ${post.status}`);
    const { run } = (await post.json()) as { run: { id: string } };
    const posted = Date.now() - startedAt;
    let openedAt = Number.POSITIVE_INFINITY;
    const events: ReceivedEvent[] = await readRunEvents(`${base}/v1/runs/${run.id}/events`, {
      headers: { authorization: headers.authorization },
      signal,
      onOpen: (at) => (openedAt = at),
    });
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
      latenciesMs: events.filter((e) => e.event.at >= openedAt).map((e) => e.receivedAt - e.event.at),
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
    };
  }
}
