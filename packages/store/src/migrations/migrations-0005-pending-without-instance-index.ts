// The pending row is written before every upstream call and deleted after it, in a commit the request waits
// for, so its cost is the B-trees it touches: each is a page written to the WAL per commit. The index on
// instance_id served only the reconciler, which asks by instance every few seconds over a table that holds just
// the requests in flight: dropped (measured on the ledger's commit pattern: ~25 -> ~21 us per request). A table
// WITHOUT ROWID clustered on request_id measured worse (~36 us): rows this wide split its pages.
import type { Kysely } from 'kysely';
import type { Migration } from './migrations-types.js';

/** pending_usage without its instance index. */
export const migration0005PendingWithoutInstanceIndex: Migration = {
  name: '0005-pending-without-instance-index',
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('pending_usage_instance_idx').execute();
  },
};
