// Helpers the tenancy query modules share: JSON columns, epoch-ms columns, and unique violations as StoreErrors.
import { StoreError } from './store-errors.js';

/** A JSON object column's value (validated by its owner, not here). */
export type JsonObject = Record<string, unknown>;

/** Parses a JSON object column; anything else reads as {}. */
export function readJsonObject(text: string): JsonObject {
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

export const ms = (v: number | string): number => Number(v);
export const msOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

/** Runs an insert/update, turning a unique-constraint violation (either dialect) into `store_conflict`. */
export async function uniquely<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // PostgreSQL 23505 unique_violation; better-sqlite3 SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY.
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
      throw new StoreError('store_conflict', `${what} already exists`, { cause: error });
    throw error;
  }
}
