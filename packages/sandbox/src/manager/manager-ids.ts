// Identifiers the manager mints. Sandbox ids appear in host paths (runtime dirs, cgroups), so they are short and
// filename-safe; a thread's work dir name is derived from a hash, because thread ids come from outside.
import { createHash, randomBytes } from 'node:crypto';

/** A new id with a prefix, e.g. "sbx-3f9a0c12d4e5". */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** The directory name of a thread's work dir. */
export function threadWorkDirName(threadId: string): string {
  return `t-${createHash('sha256').update(threadId).digest('hex').slice(0, 24)}`;
}
