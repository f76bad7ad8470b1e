// The shape of one migration. Migrations only ever go forward: a mistake is fixed by a new migration.
import type { Kysely } from 'kysely';

/** One forward-only schema change, identified by a name that sorts in apply order. */
export interface Migration {
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
}
