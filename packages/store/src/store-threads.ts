// Queries of `threads`: a conversation belongs to one user, and every read that serves a client names that user,
// so a thread of someone else is indistinguishable from a missing one.
import type { Kysely, Selectable } from 'kysely';
import type { StoreDatabase } from './store-schema.js';
import type { ThreadsTable } from './store-schema-agent.js';

/** A thread row, camelCased. */
export interface ThreadRecord {
  id: string;
  userId: string;
  teamId: string | null;
  title: string | null;
  /** How many messages the thread holds (the last seq handed out). */
  messageCount: number;
  createdAt: number;
}

/** What creating a thread needs. */
export interface NewThread {
  id: string;
  userId: string;
  teamId: string | null;
  title: string | null;
  now: number;
}

/** Queries of the threads table. */
export interface ThreadQueries {
  create(thread: NewThread): Promise<ThreadRecord>;
  /** The thread if it exists and belongs to userId. */
  getOwned(id: string, userId: string): Promise<ThreadRecord | undefined>;
  get(id: string): Promise<ThreadRecord | undefined>;
}

/** Maps a threads row. */
export function toThreadRecord(row: Selectable<ThreadsTable>): ThreadRecord {
  return {
    id: row.id,
    userId: row.user_id,
    teamId: row.team_id,
    title: row.title,
    messageCount: Number(row.message_seq),
    createdAt: Number(row.created_at),
  };
}

/** Binds the threads queries to a database. */
export function threadQueries(db: Kysely<StoreDatabase>): ThreadQueries {
  return {
    async create(t) {
      const row = await db
        .insertInto('threads')
        .values({
          id: t.id,
          user_id: t.userId,
          team_id: t.teamId,
          title: t.title,
          message_seq: 0,
          created_at: t.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toThreadRecord(row);
    },
    async getOwned(id, userId) {
      const row = await db
        .selectFrom('threads')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row === undefined ? undefined : toThreadRecord(row);
    },
    async get(id) {
      const row = await db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toThreadRecord(row);
    },
  };
}
