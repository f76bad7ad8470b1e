// What the API returns for threads, messages and runs (snake_case JSON, times in epoch ms).
import type { MessageRecord, RunRecord, ThreadRecord } from '@rampart/store';

/** A thread as clients see it. */
export function threadView(t: ThreadRecord) {
  return {
    id: t.id,
    object: 'thread',
    title: t.title,
    message_count: t.messageCount,
    created_at: t.createdAt,
  };
}

/** A message as clients see it. */
export function messageView(m: MessageRecord) {
  return {
    id: m.id,
    object: 'thread.message',
    thread_id: m.threadId,
    seq: m.seq,
    role: m.role,
    content: JSON.parse(m.contentJson) as unknown,
    run_id: m.runId,
    created_at: m.createdAt,
  };
}

/** A run as clients see it (never its checkpoint or lease internals). */
export function runView(r: RunRecord) {
  return {
    id: r.id,
    object: 'thread.run',
    thread_id: r.threadId,
    status: r.status,
    error: r.error,
    cancel_requested: r.cancelRequestedAt !== null,
    resumed: r.claims > 1,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}
