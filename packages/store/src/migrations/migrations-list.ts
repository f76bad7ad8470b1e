// Every migration in apply order. A new table or column is a new file here, appended at the end.
import { migration0001Sandboxes } from './migrations-0001-sandboxes.js';
import { migration0003Ledger } from './migrations-0003-ledger.js';
import { migration0004Agent } from './migrations-0004-agent.js';
import type { Migration } from './migrations-types.js';

/** All migrations, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001Sandboxes,
  migration0003Ledger,
  migration0004Agent,
];
