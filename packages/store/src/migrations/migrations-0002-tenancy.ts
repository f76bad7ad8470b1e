// Tenancy: teams → users → virtual keys, and each team's sealed provider credentials (docs/TENANCY.md).
// Written with Kysely's schema builder so one migration serves both dialects.
import type { Kysely } from 'kysely';
import type { Migration } from './migrations-types.js';

/** Creates teams, users, credentials and virtual_keys. */
export const migration0002Tenancy: Migration = {
  name: '0002-tenancy',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('teams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('limits_json', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('limits_json', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('users_team_name_unique', ['team_id', 'name'])
      .execute();

    await db.schema
      .createTable('credentials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      // `v1:` + base64(iv ‖ tag ‖ ciphertext), AES-256-GCM with the credential id as AAD: never plaintext.
      .addColumn('sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('rotated_at', 'bigint')
      .addUniqueConstraint('credentials_team_name_unique', ['team_id', 'name'])
      .execute();

    await db.schema
      .createTable('virtual_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // Hex SHA-256 of the whole secret: authentication is one indexed lookup.
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('key_prefix', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('scopes_json', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('route_json', 'text')
      .addColumn('limits_json', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('prompt_cache', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('successor_id', 'text')
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema.createIndex('virtual_keys_user_idx').on('virtual_keys').column('user_id').execute();
    await db.schema.createIndex('virtual_keys_team_idx').on('virtual_keys').column('team_id').execute();
    await db.schema.createIndex('users_team_idx').on('users').column('team_id').execute();
  },
};
