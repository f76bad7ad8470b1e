// Queries of the usage ledger. Records are written in batches (the gateway's group commit): one transaction
// inserts the batch's pending rows, its records and their webhook outbox rows, and deletes the pending rows the
// records replace, so a record and its outbox rows exist together or not at all, and a crash leaves either the
// pending row or the record. A record's request id is its primary key and a duplicate insert is ignored: a
// request is recorded exactly once even when a reconciler and the live gateway race.
import type Database from 'better-sqlite3';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { StoreDatabase, UsageRecordsTable, UsageStatus } from './store-schema.js';
import { pendingColumns, type PendingUsageRow } from './store-pending-usage.js';
import { outboxColumns, type WebhookOutboxInsert } from './store-webhook-outbox.js';
import { sqliteLedgerCommit } from './sqlite-ledger-commit.js';
import { usageRecordColumns, utcDay } from './store-usage-columns.js';
import { SqliteLedgerThread } from './sqlite-ledger-thread.js';

/** Token counts by class; null = no attempt reported that class. */
export interface UsageTokens {
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  cacheWrite5mTokens: number | null;
  cacheWrite1hTokens: number | null;
  reasoningTokens: number | null;
}

/** One request's row in the ledger. */
export interface UsageRecord extends UsageTokens {
  requestId: string;
  teamId: string | null;
  userId: string | null;
  keyId: string | null;
  threadId: string | null;
  /** `chat.completions` or `messages`. */
  endpoint: string;
  requestedModel: string;
  /** Provider and upstream model that served (or were tried last). */
  provider: string | null;
  model: string | null;
  status: UsageStatus;
  httpStatus: number | null;
  errorCode: string | null;
  /** The usage is an estimate (a crashed gateway's request, reconciled). */
  estimated: boolean;
  costNanos: bigint;
  latencyMs: number;
  ttftMs: number | null;
  /** The attempts path as JSON-serializable data. */
  attempts: unknown;
  startedAt: number;
}

/** One record of a batch and the webhook deliveries it causes. */
export interface LedgerEntry {
  record: UsageRecord;
  outbox: readonly WebhookOutboxInsert[];
}

/** What one group commit writes. */
export interface LedgerBatch {
  /** Pending rows of requests about to call an upstream. */
  pending: readonly PendingUsageRow[];
  /** Finished requests; each deletes its pending row. */
  entries: readonly LedgerEntry[];
}

/** What a usage query groups by. */
export type UsageGroupBy = 'user' | 'thread' | 'key' | 'team' | 'model' | 'day' | 'status';

/** Filters of a usage query; times are epoch ms (from inclusive, to exclusive). */
export interface UsageFilter {
  from?: number;
  to?: number;
  teamId?: string;
  userId?: string;
  keyId?: string;
  threadId?: string;
  model?: string;
}

/** One group's totals. */
export interface UsageGroup {
  /** The grouped value (user id, thread id, key id, model, day…); null for unattributed usage. */
  group: string | null;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costNanos: bigint;
}

/** What was spent at one level (key, user or team) in a time range, for seeding budget counters. */
export interface SpendFilter {
  level: 'key' | 'user' | 'team';
  id: string;
  from: number;
  to: number;
}

/** Queries of the usage ledger. */
export interface UsageRecordQueries {
  /** Writes one group commit in one transaction; returns the request ids whose records were new. */
  commit(batch: LedgerBatch): Promise<string[]>;
  get(requestId: string): Promise<UsageRecord | undefined>;
  /** Records of these request ids (any order). */
  getMany(requestIds: readonly string[]): Promise<UsageRecord[]>;
  count(filter?: UsageFilter): Promise<number>;
  /** Totals grouped by one dimension, largest cost first. */
  aggregate(groupBy: UsageGroupBy, filter?: UsageFilter): Promise<UsageGroup[]>;
  /** Tokens (every class) and cost recorded at one level in [from, to). */
  spent(filter: SpendFilter): Promise<{ tokens: number; costNanos: bigint }>;
}

// Bound parameters per statement stay well under SQLite's 32766 (26 columns × 200 rows).
const CHUNK = 200;

const GROUP_COLUMNS = {
  user: 'user_id',
  thread: 'thread_id',
  key: 'key_id',
  team: 'team_id',
  model: 'model',
  day: 'day',
  status: 'status',
} as const satisfies Record<UsageGroupBy, keyof UsageRecordsTable>;

const LEVEL_COLUMNS = { key: 'key_id', user: 'user_id', team: 'team_id' } as const;

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toRecord(row: Selectable<UsageRecordsTable> & { cost_text: string }): UsageRecord {
  return {
    requestId: row.request_id,
    teamId: row.team_id,
    userId: row.user_id,
    keyId: row.key_id,
    threadId: row.thread_id,
    endpoint: row.endpoint,
    requestedModel: row.requested_model,
    provider: row.provider,
    model: row.model,
    status: row.status,
    httpStatus: row.http_status,
    errorCode: row.error_code,
    inputTokens: num(row.input_tokens),
    outputTokens: num(row.output_tokens),
    cacheReadTokens: num(row.cache_read_tokens),
    cacheWriteTokens: num(row.cache_write_tokens),
    cacheWrite5mTokens: num(row.cache_write_5m_tokens),
    cacheWrite1hTokens: num(row.cache_write_1h_tokens),
    reasoningTokens: num(row.reasoning_tokens),
    estimated: Number(row.estimated) === 1,
    costNanos: BigInt(row.cost_text),
    latencyMs: Number(row.latency_ms),
    ttftMs: row.ttft_ms === null ? null : Number(row.ttft_ms),
    attempts: JSON.parse(row.attempts_json) as unknown,
    startedAt: Number(row.started_at),
  };
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

// Sums as text so pg's numeric and SQLite's 64-bit integer both reach BigInt exactly.
const sumOf = (column: string) => sql<string | number | null>`cast(sum(${sql.ref(column)}) as text)`;
// better-sqlite3 returns integers as doubles: cost is read as text to stay exact above 2^53.
const costText = sql<string>`cast(cost_nanos as text)`.as('cost_text');

/**
 * Binds the ledger queries to a database. On SQLite, commits skip Kysely: on the ledger thread for a file, on
 * the connection's better-sqlite3 handle for an in-memory database.
 */
export function usageRecordQueries(
  db: Kysely<StoreDatabase>,
  sqlite?: SqliteLedgerThread | Database.Database,
): UsageRecordQueries {
  let fastCommit: ((batch: LedgerBatch) => string[]) | undefined;
  function filtered(filter: UsageFilter = {}) {
    let query = db.selectFrom('usage_records');
    if (filter.from !== undefined) query = query.where('started_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('started_at', '<', filter.to);
    if (filter.teamId !== undefined) query = query.where('team_id', '=', filter.teamId);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.keyId !== undefined) query = query.where('key_id', '=', filter.keyId);
    if (filter.threadId !== undefined) query = query.where('thread_id', '=', filter.threadId);
    if (filter.model !== undefined) query = query.where('model', '=', filter.model);
    return query;
  }

  return {
    async commit(batch) {
      if (batch.pending.length === 0 && batch.entries.length === 0) return [];
      if (sqlite instanceof SqliteLedgerThread) return sqlite.commit(batch);
      // A Kysely transaction open on the connection (between its awaits) must not absorb this batch.
      if (sqlite !== undefined && !sqlite.inTransaction) {
        fastCommit ??= sqliteLedgerCommit(sqlite);
        return fastCommit(batch);
      }
      return db.transaction().execute(async (trx) => {
        for (const part of chunks(batch.pending)) {
          await trx
            .insertInto('pending_usage')
            .values(part.map(pendingColumns))
            .onConflict((oc) => oc.column('request_id').doNothing())
            .execute();
        }
        const inserted: string[] = [];
        for (const part of chunks(batch.entries)) {
          const rows = await trx
            .insertInto('usage_records')
            .values(part.map((e) => usageRecordColumns(e.record)))
            .onConflict((oc) => oc.column('request_id').doNothing())
            .returning('request_id')
            .execute();
          const fresh = new Set(rows.map((r) => r.request_id));
          inserted.push(...fresh);
          // Deliveries only for records this commit created: a duplicate must not notify twice.
          const outbox = part.filter((e) => fresh.has(e.record.requestId)).flatMap((e) => e.outbox);
          for (const outboxPart of chunks(outbox))
            await trx.insertInto('webhook_outbox').values(outboxPart.map(outboxColumns)).execute();
          await trx
            .deleteFrom('pending_usage')
            .where(
              'request_id',
              'in',
              part.map((e) => e.record.requestId),
            )
            .execute();
        }
        return inserted;
      });
    },

    async get(requestId) {
      const row = await db
        .selectFrom('usage_records')
        .selectAll()
        .select(costText)
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async getMany(requestIds) {
      const out: UsageRecord[] = [];
      for (const part of chunks(requestIds)) {
        if (part.length === 0) continue;
        const rows = await db
          .selectFrom('usage_records')
          .selectAll()
          .select(costText)
          .where('request_id', 'in', part)
          .execute();
        out.push(...rows.map(toRecord));
      }
      return out;
    },

    async count(filter) {
      const row = await filtered(filter)
        .select(sql<number | string>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async aggregate(groupBy, filter) {
      const column = GROUP_COLUMNS[groupBy];
      const rows = await filtered(filter)
        .select([
          sql<string | null>`${sql.ref(column)}`.as('grp'),
          sql<number | string>`count(*)`.as('requests'),
          sumOf('input_tokens').as('input_tokens'),
          sumOf('output_tokens').as('output_tokens'),
          sumOf('cache_read_tokens').as('cache_read_tokens'),
          sumOf('cache_write_tokens').as('cache_write_tokens'),
          sumOf('reasoning_tokens').as('reasoning_tokens'),
          sumOf('cost_nanos').as('cost_nanos'),
        ])
        .groupBy(column)
        .execute();
      return rows
        .map((r) => ({
          group: r.grp === null ? null : String(r.grp),
          requests: Number(r.requests),
          inputTokens: Number(r.input_tokens ?? 0),
          outputTokens: Number(r.output_tokens ?? 0),
          cacheReadTokens: Number(r.cache_read_tokens ?? 0),
          cacheWriteTokens: Number(r.cache_write_tokens ?? 0),
          reasoningTokens: Number(r.reasoning_tokens ?? 0),
          costNanos: BigInt(r.cost_nanos ?? 0),
        }))
        .sort((a, b) =>
          a.costNanos === b.costNanos
            ? String(a.group).localeCompare(String(b.group))
            : a.costNanos > b.costNanos
              ? -1
              : 1,
        );
    },

    async spent({ level, id, from, to }) {
      const row = await db
        .selectFrom('usage_records')
        .where(LEVEL_COLUMNS[level], '=', id)
        // The day index narrows the scan; started_at is the exact window.
        .where('day', '>=', utcDay(from))
        .where('day', '<=', utcDay(to - 1))
        .where('started_at', '>=', from)
        .where('started_at', '<', to)
        .select([
          sql<
            string | number | null
          >`cast(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0) + coalesce(cache_read_tokens, 0) + coalesce(cache_write_tokens, 0)) as text)`.as(
            'tokens',
          ),
          sumOf('cost_nanos').as('cost_nanos'),
        ])
        .executeTakeFirstOrThrow();
      return { tokens: Number(row.tokens ?? 0), costNanos: BigInt(row.cost_nanos ?? 0) };
    },
  };
}
