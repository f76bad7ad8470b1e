// What the threads API does, without HTTP: threads owned by one user, messages that start runs exactly once per
// idempotency key, run lookups and cancels. Every lookup names the caller's user, so another user's thread or run
// is "not found", never "forbidden" (which would confirm it exists).
import { systemClock, type Clock } from '@rampart/resilience';
import type { MessageRecord, RunRecord, Store, ThreadRecord } from '@rampart/store';
import type { Message } from '@rampart/spec';
import type { ModelPrincipal } from '../loop/agent-run-types.js';
import { CANCELLED_EVENT_BODY } from './run-executor.js';
import { newRunsId } from './run-ids.js';
import type { RunQueue } from './run-queue.js';
import type { RunSignals } from './run-signals.js';

/** Who is calling, as authentication established it. */
export interface ThreadsCaller {
  userId: string;
  teamId: string | null;
  /** Passed to the run's model calls (limits, ledger); absent when auth is off. */
  principal?: ModelPrincipal;
}

/** The outcome of posting a message. */
export type PostMessageResult =
  | { kind: 'started' | 'replayed'; run: RunRecord; message: MessageRecord | undefined }
  | { kind: 'not_found' }
  /** Another message's run is still going on this thread. */
  | { kind: 'busy'; activeRunId: string | undefined }
  /** The idempotency key was already used for a different message. */
  | { kind: 'key_reused'; run: RunRecord };

/** Options of the service. */
export interface RunServiceOptions {
  store: Store;
  queue: RunQueue;
  signals: RunSignals;
  clock?: Clock;
}

/** The threads API's operations. */
export interface RunService {
  createThread(caller: ThreadsCaller, title: string | null): Promise<ThreadRecord>;
  getThread(caller: ThreadsCaller, threadId: string): Promise<ThreadRecord | undefined>;
  /** Writes the user message and starts its run, once per (thread, idempotencyKey). */
  postMessage(
    caller: ThreadsCaller,
    threadId: string,
    content: Message['content'],
    idempotencyKey: string | undefined,
  ): Promise<PostMessageResult>;
  listMessages(
    caller: ThreadsCaller,
    threadId: string,
    afterSeq: number,
    limit: number,
  ): Promise<MessageRecord[] | undefined>;
  getRun(caller: ThreadsCaller, runId: string): Promise<RunRecord | undefined>;
  cancelRun(caller: ThreadsCaller, runId: string): Promise<RunRecord | undefined>;
}

/** Creates the service. */
export function createRunService(options: RunServiceOptions): RunService {
  const { store, queue, signals } = options;
  const clock = options.clock ?? systemClock;

  const ownedThread = (caller: ThreadsCaller, id: string) => store.threads.getOwned(id, caller.userId);

  return {
    createThread(caller, title) {
      return store.threads.create({
        id: newRunsId('thread'),
        userId: caller.userId,
        teamId: caller.teamId,
        title,
        now: clock.now(),
      });
    },

    getThread: ownedThread,

    async postMessage(caller, threadId, content, idempotencyKey) {
      if ((await ownedThread(caller, threadId)) === undefined) return { kind: 'not_found' };
      const runId = newRunsId('run');
      const contentJson = JSON.stringify(content);
      const result = await store.runs.start({
        runId,
        threadId,
        userId: caller.userId,
        idempotencyKey: idempotencyKey ?? newRunsId('msg'),
        principalJson: caller.principal === undefined ? null : JSON.stringify(caller.principal),
        message: { id: newRunsId('msg'), role: 'user', contentJson, runId },
        now: clock.now(),
      });
      if (result.kind === 'busy') return result;
      if (result.kind === 'created') {
        await queue.enqueue(result.run.id);
        return { kind: 'started', run: result.run, message: result.message };
      }
      if (result.message !== undefined && result.message.contentJson !== contentJson)
        return { kind: 'key_reused', run: result.run };
      return { kind: 'replayed', run: result.run, message: result.message };
    },

    async listMessages(caller, threadId, afterSeq, limit) {
      if ((await ownedThread(caller, threadId)) === undefined) return undefined;
      return store.messages.list(threadId, { afterSeq, limit });
    },

    async getRun(caller, runId) {
      const run = await store.runs.get(runId);
      return run?.userId === caller.userId ? run : undefined;
    },

    async cancelRun(caller, runId) {
      const run = await store.runs.get(runId);
      if (run?.userId !== caller.userId) return undefined;
      const now = clock.now();
      const after = await store.runs.requestCancel(runId, now, {
        type: CANCELLED_EVENT_BODY.type,
        bodyJson: JSON.stringify(CANCELLED_EVENT_BODY),
      });
      if (after?.status === 'cancelled' && run.status === 'queued') {
        // Ended here: wake the readers of its stream (they will read the final event).
        const last = await store.runEvents.lastSeq(runId);
        signals.eventsStored(runId, last);
      } else if (after?.status === 'running') {
        signals.cancelRequested(runId);
      }
      return after;
    },
  };
}
