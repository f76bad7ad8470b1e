// Queries of `messages`: a thread's canonical history, numbered 1, 2, … per thread. Numbers come from an atomic
// bump of threads.message_seq inside the writer's transaction, so concurrent writers never collide on a seq and
// a rolled-back write leaves no gap.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { StoreDatabase } from './store-schema.js';
import type { MessagesTable } from './store-schema-agent.js';

/** A message row; `contentJson` is the spec Message's content array as JSON. */
export interface MessageRecord {
  id: string;
  threadId: string;
  seq: number;
  role: 'user' | 'assistant';
  contentJson: string;
  runId: string | null;
  createdAt: number;
}

/** One message to append. */
export interface NewMessage {
  id: string;
  role: 'user' | 'assistant';
  contentJson: string;
  runId: string | null;
}

/** Queries of the messages table. */
export interface MessageQueries {
  /** Appends messages in order; returns them with their seqs. Throws if the thread does not exist. */
  append(threadId: string, messages: NewMessage[], now: number): Promise<MessageRecord[]>;
  /** Messages with seq > afterSeq, oldest first. */
  list(threadId: string, options?: { afterSeq?: number; limit?: number }): Promise<MessageRecord[]>;
  /** The messages a run wrote or started, oldest first. */
  listByRun(runId: string): Promise<MessageRecord[]>;
}

/** Maps a messages row. */
export function toMessageRecord(row: Selectable<MessagesTable>): MessageRecord {
  return {
    id: row.id,
    threadId: row.thread_id,
    seq: Number(row.seq),
    role: row.role,
    contentJson: row.content_json,
    runId: row.run_id,
    createdAt: Number(row.created_at),
  };
}

/** Appends inside an open transaction (callers that write more rows atomically use this). */
export async function appendMessagesIn(
  trx: Transaction<StoreDatabase>,
  threadId: string,
  messages: NewMessage[],
  now: number,
): Promise<MessageRecord[]> {
  if (messages.length === 0) return [];
  const bumped = await trx
    .updateTable('threads')
    .set({ message_seq: sql`message_seq + ${messages.length}` })
    .where('id', '=', threadId)
    .returning('message_seq')
    .executeTakeFirst();
  if (bumped === undefined) throw new Error(`thread ${threadId} does not exist`);
  const first = Number(bumped.message_seq) - messages.length + 1;
  const rows = messages.map((m, i) => ({
    id: m.id,
    thread_id: threadId,
    seq: first + i,
    role: m.role,
    content_json: m.contentJson,
    run_id: m.runId,
    created_at: now,
  }));
  await trx.insertInto('messages').values(rows).execute();
  return rows.map(toMessageRecord);
}

/** Binds the messages queries to a database. */
export function messageQueries(db: Kysely<StoreDatabase>): MessageQueries {
  return {
    async append(threadId, messages, now) {
      return db.transaction().execute((trx) => appendMessagesIn(trx, threadId, messages, now));
    },
    async list(threadId, options = {}) {
      const rows = await db
        .selectFrom('messages')
        .selectAll()
        .where('thread_id', '=', threadId)
        .where('seq', '>', options.afterSeq ?? 0)
        .orderBy('seq')
        .limit(options.limit ?? 10_000)
        .execute();
      return rows.map(toMessageRecord);
    },
    async listByRun(runId) {
      const rows = await db
        .selectFrom('messages')
        .selectAll()
        .where('run_id', '=', runId)
        .orderBy('seq')
        .execute();
      return rows.map(toMessageRecord);
    },
  };
}
