// Queries of the `credentials` table. The store only ever sees the sealed form: sealing and opening happen in
// the gateway, which holds the master key.
import type { Kysely, Selectable } from 'kysely';
import type { StoreDatabase } from './store-schema.js';
import type { CredentialsTable } from './store-schema-tenancy.js';
import { ms, msOrNull, uniquely } from './store-tenancy-shared.js';

/** A team's credential, camelCased; `sealed` is the ciphertext, never a secret in the clear. */
export interface CredentialRecord {
  id: string;
  teamId: string;
  name: string;
  provider: string;
  sealed: string;
  createdAt: number;
  rotatedAt: number | null;
}

/** Queries of the credentials table. */
export interface CredentialQueries {
  /** Inserts a credential; `store_conflict` when the team already has one of that name. */
  create(credential: {
    id: string;
    teamId: string;
    name: string;
    provider: string;
    sealed: string;
    now: number;
  }): Promise<CredentialRecord>;
  get(id: string): Promise<CredentialRecord | undefined>;
  getByName(teamId: string, name: string): Promise<CredentialRecord | undefined>;
  list(filter?: { teamId?: string }): Promise<CredentialRecord[]>;
  /** Replaces the sealed secrets (and optionally the provider), stamping rotated_at. */
  replace(
    id: string,
    changes: { sealed: string; provider?: string },
    now: number,
  ): Promise<CredentialRecord | undefined>;
  /** Deletes the credential; true when it existed. */
  delete(id: string): Promise<boolean>;
}

function toRecord(row: Selectable<CredentialsTable>): CredentialRecord {
  return {
    id: row.id,
    teamId: row.team_id,
    name: row.name,
    provider: row.provider,
    sealed: row.sealed,
    createdAt: ms(row.created_at),
    rotatedAt: msOrNull(row.rotated_at),
  };
}

/** Binds the credentials queries to a database. */
export function credentialQueries(db: Kysely<StoreDatabase>): CredentialQueries {
  return {
    async create(credential) {
      const row = await uniquely(`credential "${credential.name}" in team ${credential.teamId}`, () =>
        db
          .insertInto('credentials')
          .values({
            id: credential.id,
            team_id: credential.teamId,
            name: credential.name,
            provider: credential.provider,
            sealed: credential.sealed,
            created_at: credential.now,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toRecord(row);
    },
    async get(id) {
      const row = await db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
    async getByName(teamId, name) {
      const row = await db
        .selectFrom('credentials')
        .selectAll()
        .where('team_id', '=', teamId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
    async list(filter = {}) {
      let query = db.selectFrom('credentials').selectAll();
      if (filter.teamId !== undefined) query = query.where('team_id', '=', filter.teamId);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(toRecord);
    },
    async replace(id, changes, now) {
      const row = await db
        .updateTable('credentials')
        .set({
          sealed: changes.sealed,
          rotated_at: now,
          ...(changes.provider !== undefined ? { provider: changes.provider } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
    async delete(id) {
      const result = await db.deleteFrom('credentials').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}
