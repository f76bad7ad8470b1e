import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { StoreError } from './store-errors.js';
import { parseStoreUrl } from './store-url.js';

test('a bare path and sqlite: URLs name a SQLite file', () => {
  assert.deepEqual(parseStoreUrl('data/r.db'), { dialect: 'sqlite', file: resolve('data/r.db') });
  assert.deepEqual(parseStoreUrl('sqlite:///var/r.db'), { dialect: 'sqlite', file: '/var/r.db' });
  assert.deepEqual(parseStoreUrl('sqlite::memory:'), { dialect: 'sqlite', file: ':memory:' });
});

test('postgres URLs keep everything but the schema parameter', () => {
  assert.deepEqual(parseStoreUrl('postgres://u@h:5432/db?schema=abc&sslmode=disable'), {
    dialect: 'postgres',
    connectionString: 'postgres://u@h:5432/db?sslmode=disable',
    schema: 'abc',
  });
});

test('bad URLs fail with a stable code', () => {
  for (const url of ['', 'mysql://x/y', 'postgres://h/db?schema=a;drop']) {
    assert.throws(
      () => parseStoreUrl(url),
      (e: unknown) => e instanceof StoreError && e.code === 'store_url_invalid',
    );
  }
});
