// Every migration in apply order. A new table or column is a new file here, appended at the end.
import { migration0001Sandboxes } from './migrations-0001-sandboxes.js';
import { migration0002Tenancy } from './migrations-0002-tenancy.js';
import { migration0003Ledger } from './migrations-0003-ledger.js';
import { migration0004Agent } from './migrations-0004-agent.js';
import { migration0005PendingWithoutInstanceIndex } from './migrations-0005-pending-without-instance-index.js';
import type { Migration } from './migrations-types.js';

/** All migrations, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001Sandboxes,
  // 0002 was listed after 0003 had shipped: databases that ran 0003 first apply it next (no table depends on it).
  migration0002Tenancy,
  migration0003Ledger,
  migration0004Agent,
  migration0005PendingWithoutInstanceIndex,
];
