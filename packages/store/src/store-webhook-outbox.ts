// Queries of `webhook_outbox`: deliveries written in the same transaction as the usage records they announce,
// then claimed by a worker under a lease. A claim is one atomic statement (PostgreSQL skips rows another
// replica has locked), and every later write is fenced by the lease owner, so two replicas never send one row
// at the same time and a worker whose lease lapsed cannot overwrite the new holder's outcome.
import type { Kysely, Selectable } from 'kysely';
import type { StoreDatabase, WebhookOutboxTable } from './store-schema.js';

/** A new delivery. */
export interface WebhookOutboxInsert {
  /** Also the delivery's idempotency key (`webhook-id`). */
  id: string;
  /** The endpoint's URL. */
  endpoint: string;
  event: string;
  payloadJson: string;
  createdAt: number;
  /** When the first attempt may go (usually createdAt). */
  nextAttemptAt: number;
}

/** A delivery as stored. */
export interface WebhookOutboxRow {
  id: string;
  endpoint: string;
  event: string;
  payloadJson: string;
  attempts: number;
  nextAttemptAt: number | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  deliveredAt: number | null;
  lastError: string | null;
  createdAt: number;
}

/** Queries of webhook_outbox. */
export interface WebhookOutboxQueries {
  /** Inserts deliveries outside a ledger commit (tests, re-sends). */
  insert(rows: readonly WebhookOutboxInsert[]): Promise<void>;
  /** Leases up to `limit` due, undelivered rows whose lease is free or lapsed, to `owner`. */
  claim(owner: string, now: number, leaseMs: number, limit: number): Promise<WebhookOutboxRow[]>;
  /** Marks a leased row delivered; false when `owner` no longer holds it. */
  markDelivered(id: string, owner: string, now: number): Promise<boolean>;
  /** Records a failed attempt; `nextAttemptAt` null gives up. False when `owner` no longer holds it. */
  markFailed(id: string, owner: string, error: string, nextAttemptAt: number | null): Promise<boolean>;
  get(id: string): Promise<WebhookOutboxRow | undefined>;
  /** Rows not delivered and not given up. */
  countDue(): Promise<number>;
}

/** Column values of a new delivery. */
export function outboxColumns(row: WebhookOutboxInsert) {
  return {
    id: row.id,
    endpoint: row.endpoint,
    event: row.event,
    payload_json: row.payloadJson,
    attempts: 0,
    next_attempt_at: row.nextAttemptAt,
    created_at: row.createdAt,
  };
}

const msOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toRow(row: Selectable<WebhookOutboxTable>): WebhookOutboxRow {
  return {
    id: row.id,
    endpoint: row.endpoint,
    event: row.event,
    payloadJson: row.payload_json,
    attempts: Number(row.attempts),
    nextAttemptAt: msOrNull(row.next_attempt_at),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: msOrNull(row.lease_expires_at),
    deliveredAt: msOrNull(row.delivered_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
  };
}

/** Binds the webhook_outbox queries to a database. */
export function webhookOutboxQueries(
  db: Kysely<StoreDatabase>,
  dialect: 'sqlite' | 'postgres',
): WebhookOutboxQueries {
  return {
    async insert(rows) {
      if (rows.length === 0) return;
      await db.insertInto('webhook_outbox').values(rows.map(outboxColumns)).execute();
    },

    async claim(owner, now, leaseMs, limit) {
      let due = db
        .selectFrom('webhook_outbox')
        .select('id')
        .where('delivered_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
        .orderBy('next_attempt_at')
        .limit(limit);
      // SQLite has one writer at a time, so its single statement is already exclusive.
      if (dialect === 'postgres') due = due.forUpdate().skipLocked();
      const rows = await db
        .updateTable('webhook_outbox')
        .set({ lease_owner: owner, lease_expires_at: now + leaseMs })
        .where('id', 'in', due)
        // Re-checked on the row itself, in case another claim changed it after the subquery saw it.
        .where('delivered_at', 'is', null)
        .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
        .returningAll()
        .execute();
      return rows.map(toRow).sort((a, b) => (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0));
    },

    async markDelivered(id, owner, now) {
      const result = await db
        .updateTable('webhook_outbox')
        .set((eb) => ({
          delivered_at: now,
          next_attempt_at: null,
          attempts: eb('attempts', '+', 1),
          lease_owner: null,
          lease_expires_at: null,
          last_error: null,
        }))
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async markFailed(id, owner, error, nextAttemptAt) {
      const result = await db
        .updateTable('webhook_outbox')
        .set((eb) => ({
          next_attempt_at: nextAttemptAt,
          attempts: eb('attempts', '+', 1),
          lease_owner: null,
          lease_expires_at: null,
          last_error: error.slice(0, 1000),
        }))
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async get(id) {
      const row = await db.selectFrom('webhook_outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRow(row);
    },

    async countDue() {
      const row = await db
        .selectFrom('webhook_outbox')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('delivered_at', 'is', null)
        .where('next_attempt_at', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
