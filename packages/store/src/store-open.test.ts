import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { MIGRATIONS } from './migrations/migrations-list.js';
import { openStore } from './store-open.js';
import { testPostgresUrl, testSqliteUrl, type TestStoreUrl } from './testing/store-testing-urls.js';

const run = promisify(execFile);
// Every migration, in list order: a fresh database applies them all, once.
const ALL = MIGRATIONS.map((m) => m.name);
const worker = fileURLToPath(new URL('./__fixtures__/open-store-worker.ts', import.meta.url));

for (const [dialect, fresh] of [
  ['sqlite', testSqliteUrl],
  ['postgres', testPostgresUrl],
] as Array<[string, () => TestStoreUrl]>) {
  describe(`migrations on ${dialect}`, () => {
    test('apply once, then are idempotent', async () => {
      const target = fresh();
      try {
        const first = await openStore({ url: target.url });
        assert.deepEqual(first.appliedMigrations, ALL);
        assert.equal(first.dialect, dialect);
        await first.close();
        const second = await openStore({ url: target.url });
        assert.deepEqual(second.appliedMigrations, []);
        assert.equal(await second.sandboxes.get('nope'), undefined);
        await second.close();
      } finally {
        await target.cleanup();
      }
    });

    test('concurrent opens from four processes apply each migration exactly once', async () => {
      const target = fresh();
      try {
        const outputs = await Promise.all(
          [1, 2, 3, 4].map(() => run(process.execPath, ['--import', 'tsx', worker, target.url])),
        );
        const applied = outputs.flatMap((o) => (JSON.parse(o.stdout) as { applied: string[] }).applied);
        assert.deepEqual(applied, ALL);
      } finally {
        await target.cleanup();
      }
    });
  });
}
