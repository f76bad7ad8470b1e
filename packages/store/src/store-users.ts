// Queries of the `users` table.
import type { Kysely, Selectable } from 'kysely';
import type { StoreDatabase } from './store-schema.js';
import type { UsersTable } from './store-schema-tenancy.js';
import { ms, readJsonObject, uniquely, type JsonObject } from './store-tenancy-shared.js';

/** A user, camelCased. */
export interface UserRecord {
  id: string;
  teamId: string;
  name: string;
  email: string | null;
  limits: JsonObject;
  createdAt: number;
}

/** What creating a user needs. */
export interface NewUser {
  id: string;
  teamId: string;
  name: string;
  email?: string | null;
  limits?: JsonObject;
  now: number;
}

/** Queries of the users table. */
export interface UserQueries {
  /** Inserts a user; `store_conflict` when the team already has a user of that name. */
  create(user: NewUser): Promise<UserRecord>;
  get(id: string): Promise<UserRecord | undefined>;
  getByName(teamId: string, name: string): Promise<UserRecord | undefined>;
  list(filter?: { teamId?: string }): Promise<UserRecord[]>;
  setLimits(id: string, limits: JsonObject): Promise<UserRecord | undefined>;
}

function toRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    teamId: row.team_id,
    name: row.name,
    email: row.email,
    limits: readJsonObject(row.limits_json),
    createdAt: ms(row.created_at),
  };
}

/** Binds the users queries to a database. */
export function userQueries(db: Kysely<StoreDatabase>): UserQueries {
  return {
    async create(user) {
      const row = await uniquely(`user "${user.name}" in team ${user.teamId}`, () =>
        db
          .insertInto('users')
          .values({
            id: user.id,
            team_id: user.teamId,
            name: user.name,
            email: user.email ?? null,
            limits_json: JSON.stringify(user.limits ?? {}),
            created_at: user.now,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toRecord(row);
    },
    async get(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
    async getByName(teamId, name) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('team_id', '=', teamId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
    async list(filter = {}) {
      let query = db.selectFrom('users').selectAll();
      if (filter.teamId !== undefined) query = query.where('team_id', '=', filter.teamId);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(toRecord);
    },
    async setLimits(id, limits) {
      const row = await db
        .updateTable('users')
        .set({ limits_json: JSON.stringify(limits) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
  };
}
