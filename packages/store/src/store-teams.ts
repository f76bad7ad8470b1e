// Queries of the `teams` table.
import type { Kysely, Selectable } from 'kysely';
import type { StoreDatabase } from './store-schema.js';
import type { TeamsTable } from './store-schema-tenancy.js';
import { ms, readJsonObject, uniquely, type JsonObject } from './store-tenancy-shared.js';

/** A team, camelCased. */
export interface TeamRecord {
  id: string;
  name: string;
  /** The team-level limits as stored (the gateway's Limits shape). */
  limits: JsonObject;
  createdAt: number;
}

/** Queries of the teams table. */
export interface TeamQueries {
  /** Inserts a team; `store_conflict` when the name is taken. */
  create(team: { id: string; name: string; limits?: JsonObject; now: number }): Promise<TeamRecord>;
  get(id: string): Promise<TeamRecord | undefined>;
  getByName(name: string): Promise<TeamRecord | undefined>;
  list(): Promise<TeamRecord[]>;
  /** Replaces the team's limits; undefined when there is no such team. */
  setLimits(id: string, limits: JsonObject): Promise<TeamRecord | undefined>;
}

function toRecord(row: Selectable<TeamsTable>): TeamRecord {
  return {
    id: row.id,
    name: row.name,
    limits: readJsonObject(row.limits_json),
    createdAt: ms(row.created_at),
  };
}

/** Binds the teams queries to a database. */
export function teamQueries(db: Kysely<StoreDatabase>): TeamQueries {
  const get = async (id: string) => {
    const row = await db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  };
  return {
    async create(team) {
      const row = await uniquely(`team "${team.name}"`, () =>
        db
          .insertInto('teams')
          .values({
            id: team.id,
            name: team.name,
            limits_json: JSON.stringify(team.limits ?? {}),
            created_at: team.now,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toRecord(row);
    },
    get,
    async getByName(name) {
      const row = await db.selectFrom('teams').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
    async list() {
      const rows = await db.selectFrom('teams').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toRecord);
    },
    async setLimits(id, limits) {
      const row = await db
        .updateTable('teams')
        .set({ limits_json: JSON.stringify(limits) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
  };
}
