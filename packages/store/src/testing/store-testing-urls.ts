// Isolated stores for tests: a fresh PostgreSQL schema or a fresh SQLite file per test, removed afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The PostgreSQL server tests use (trust auth, database `test`); RAMPART_TEST_POSTGRES_URL overrides. */
export const TEST_POSTGRES_URL =
  process.env.RAMPART_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A store URL no other test uses, and how to drop what it created. */
export interface TestStoreUrl {
  url: string;
  cleanup(): Promise<void>;
}

/** A fresh schema on the test PostgreSQL server. */
export function testPostgresUrl(): TestStoreUrl {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    url: `${TEST_POSTGRES_URL}?schema=${schema}`,
    async cleanup() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh SQLite file in a temp dir. */
export function testSqliteUrl(): TestStoreUrl {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-store-'));
  return {
    url: `sqlite:${join(dir, 'rampart.db')}`,
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
