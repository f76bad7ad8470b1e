// Request ids that sort by time (UUIDv7 layout: 48-bit epoch ms, version 7, then random bits). The request id is
// the usage record's primary key; random UUIDs land on a random page of that index each, so every group commit
// dirtied (and wrote to the WAL) about one page per record. Ids of the same moment share the index's right edge.
import { randomUUID } from 'node:crypto';

/** A UUIDv7: time-ordered to the millisecond, 74 random bits (from randomUUID's pooled entropy). */
export function timeOrderedUuid(now: number = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  // random is xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx: keep from its version nibble's successor on (variant intact).
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
