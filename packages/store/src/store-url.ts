// Turns the one `url` a user configures into a dialect and its connection settings. A bare path or `sqlite:` URL is
// the embedded default; `postgres://` (or `postgresql://`) is the scale-out store. `?schema=NAME` on a PostgreSQL URL
// puts every table in that schema (created if missing), which is how tests and co-tenants isolate themselves.
import { resolve } from 'node:path';
import { StoreError } from './store-errors.js';

/** Where and how to connect, parsed from a store URL. */
export type StoreTarget =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; connectionString: string; schema: string | undefined };

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Parses a store URL: a file path, `sqlite:path`, `sqlite::memory:`, or `postgres://…[?schema=name]`. */
export function parseStoreUrl(url: string): StoreTarget {
  const trimmed = url.trim();
  if (trimmed === '') throw new StoreError('store_url_invalid', 'the store URL is empty');
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch (error) {
      throw new StoreError('store_url_invalid', 'the PostgreSQL URL cannot be parsed', { cause: error });
    }
    const schema = parsed.searchParams.get('schema') ?? undefined;
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new StoreError(
        'store_url_invalid',
        `invalid schema name ${JSON.stringify(schema)} (want [a-z_][a-z0-9_]*)`,
      );
    }
    parsed.searchParams.delete('schema');
    return { dialect: 'postgres', connectionString: parsed.toString(), schema };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) && !trimmed.toLowerCase().startsWith('sqlite:')) {
    throw new StoreError(
      'store_url_invalid',
      `unsupported store URL scheme in ${JSON.stringify(trimmed.split(':')[0])}`,
    );
  }
  // sqlite:///abs/path, sqlite://rel/path, sqlite:path and sqlite::memory: all name one file (or memory).
  const path = trimmed.replace(/^sqlite:(\/\/)?/i, '');
  if (path === ':memory:') return { dialect: 'sqlite', file: ':memory:' };
  if (path === '') throw new StoreError('store_url_invalid', 'the SQLite URL names no file');
  return { dialect: 'sqlite', file: resolve(path) };
}
