// Queries of the `virtual_keys` table. Only a key's SHA-256 hash and a short display prefix are stored; the
// secret itself is shown once by the gateway and never reaches the database.
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { StoreDatabase } from './store-schema.js';
import type { VirtualKeysTable } from './store-schema-tenancy.js';
import { ms, msOrNull, readJsonObject, uniquely, type JsonObject } from './store-tenancy-shared.js';

/** A virtual key row, camelCased; JSON columns parsed (their shape is the gateway's to validate). */
export interface VirtualKeyRecord {
  id: string;
  keyHash: string;
  keyPrefix: string;
  teamId: string;
  userId: string;
  name: string;
  scopes: JsonObject;
  route: unknown;
  limits: JsonObject;
  /** null = the gateway's default. */
  promptCache: boolean | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  successorId: string | null;
  lastUsedAt: number | null;
}

/** What creating a key needs. */
export interface NewVirtualKey {
  id: string;
  keyHash: string;
  keyPrefix: string;
  teamId: string;
  userId: string;
  name: string;
  scopes?: JsonObject;
  route?: unknown;
  limits?: JsonObject;
  promptCache?: boolean | null;
  expiresAt?: number | null;
  now: number;
}

/** Fields a PATCH may change (undefined = unchanged; null route / promptCache = back to the default). */
export interface VirtualKeyChanges {
  name?: string;
  scopes?: JsonObject;
  route?: unknown;
  limits?: JsonObject;
  promptCache?: boolean | null;
}

/** Queries of the virtual_keys table. */
export interface VirtualKeyQueries {
  create(key: NewVirtualKey): Promise<VirtualKeyRecord>;
  get(id: string): Promise<VirtualKeyRecord | undefined>;
  /** The key whose secret hashes to `keyHash` (revoked and expired ones included: the caller decides). */
  getByHash(keyHash: string): Promise<VirtualKeyRecord | undefined>;
  list(filter?: { teamId?: string; userId?: string }): Promise<VirtualKeyRecord[]>;
  update(id: string, changes: VirtualKeyChanges): Promise<VirtualKeyRecord | undefined>;
  /** Sets revoked_at (once: a second revocation keeps the first time). Undefined when there is no such key. */
  revoke(id: string, now: number): Promise<VirtualKeyRecord | undefined>;
  /**
   * In one transaction: inserts `successor` and makes the old key expire at `expiresAt` (or earlier if it already
   * did), pointing at its successor. Undefined when the old key does not exist or is revoked.
   */
  rotate(
    oldId: string,
    successor: NewVirtualKey,
    expiresAt: number,
  ): Promise<{ old: VirtualKeyRecord; successor: VirtualKeyRecord } | undefined>;
  /** Records when keys were last used (a batch, written in one transaction; never moves a time backwards). */
  touch(lastUsed: ReadonlyArray<{ id: string; at: number }>): Promise<void>;
}

type Row = Selectable<VirtualKeysTable>;

function toRecord(row: Row): VirtualKeyRecord {
  return {
    id: row.id,
    keyHash: row.key_hash,
    keyPrefix: row.key_prefix,
    teamId: row.team_id,
    userId: row.user_id,
    name: row.name,
    scopes: readJsonObject(row.scopes_json),
    route: row.route_json === null ? null : JSON.parse(row.route_json),
    limits: readJsonObject(row.limits_json),
    promptCache: row.prompt_cache === null ? null : Number(row.prompt_cache) === 1,
    createdAt: ms(row.created_at),
    expiresAt: msOrNull(row.expires_at),
    revokedAt: msOrNull(row.revoked_at),
    successorId: row.successor_id,
    lastUsedAt: msOrNull(row.last_used_at),
  };
}

function insertValues(key: NewVirtualKey) {
  return {
    id: key.id,
    key_hash: key.keyHash,
    key_prefix: key.keyPrefix,
    team_id: key.teamId,
    user_id: key.userId,
    name: key.name,
    scopes_json: JSON.stringify(key.scopes ?? {}),
    route_json: key.route === undefined || key.route === null ? null : JSON.stringify(key.route),
    limits_json: JSON.stringify(key.limits ?? {}),
    prompt_cache: key.promptCache === undefined || key.promptCache === null ? null : key.promptCache ? 1 : 0,
    created_at: key.now,
    expires_at: key.expiresAt ?? null,
  };
}

/** Binds the virtual_keys queries to a database. */
export function virtualKeyQueries(db: Kysely<StoreDatabase>): VirtualKeyQueries {
  const byId = async (id: string, from: Kysely<StoreDatabase> = db) => {
    const row = await from.selectFrom('virtual_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  };
  return {
    async create(key) {
      const row = await uniquely(`key ${key.id}`, () =>
        db.insertInto('virtual_keys').values(insertValues(key)).returningAll().executeTakeFirstOrThrow(),
      );
      return toRecord(row);
    },
    get: (id) => byId(id),
    async getByHash(keyHash) {
      const row = await db
        .selectFrom('virtual_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
    async list(filter = {}) {
      let query = db.selectFrom('virtual_keys').selectAll();
      if (filter.teamId !== undefined) query = query.where('team_id', '=', filter.teamId);
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(toRecord);
    },
    async update(id, changes) {
      const columns: Updateable<VirtualKeysTable> = {};
      if (changes.name !== undefined) columns.name = changes.name;
      if (changes.scopes !== undefined) columns.scopes_json = JSON.stringify(changes.scopes);
      if (changes.route !== undefined)
        columns.route_json = changes.route === null ? null : JSON.stringify(changes.route);
      if (changes.limits !== undefined) columns.limits_json = JSON.stringify(changes.limits);
      if (changes.promptCache !== undefined)
        columns.prompt_cache = changes.promptCache === null ? null : changes.promptCache ? 1 : 0;
      if (Object.keys(columns).length === 0) return byId(id);
      const row = await db
        .updateTable('virtual_keys')
        .set(columns)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
    async revoke(id, now) {
      await db
        .updateTable('virtual_keys')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      return byId(id);
    },
    async rotate(oldId, successor, expiresAt) {
      return db.transaction().execute(async (trx) => {
        // The guarded update first: it takes the row lock, so two concurrent rotations cannot both succeed.
        const old = await trx
          .updateTable('virtual_keys')
          .set({
            expires_at: sql<number>`case when expires_at is not null and expires_at < ${expiresAt} then expires_at else ${expiresAt} end`,
            successor_id: successor.id,
          })
          .where('id', '=', oldId)
          .where('revoked_at', 'is', null)
          .where('successor_id', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (old === undefined) return undefined;
        const created = await trx
          .insertInto('virtual_keys')
          .values(insertValues(successor))
          .returningAll()
          .executeTakeFirstOrThrow();
        return { old: toRecord(old), successor: toRecord(created) };
      });
    },
    async touch(lastUsed) {
      if (lastUsed.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const { id, at } of lastUsed) {
          await trx
            .updateTable('virtual_keys')
            .set({ last_used_at: at })
            .where('id', '=', id)
            .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
            .execute();
        }
      });
    },
  };
}
