// The cost side of a request, end to end: estimate and admit it against the caller's limits and budgets, make
// its pending row durable before the first upstream call (a journal line on a SQLite file store, a pending_usage
// row on PostgreSQL), meter every call's usage, and when it ends settle the budgets to the actual spend and write
// exactly one usage record (with its webhook outbox rows) in the group commit. Also this process's heartbeat, and
// the reconciler that turns pending rows of dead gateways into `interrupted` records with the estimate as usage.
// Order and seams: docs/TENANCY.md.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ChatRequest, Usage } from '@rampart/spec';
import type { StateStore } from '@rampart/state';
import {
  PendingJournal,
  drainJournals,
  journalInstances,
  type JournalSegment,
  type LedgerEntry,
  type PendingUsageRow,
  type Store,
  type UsageRecord,
  type UsageStatus,
} from '@rampart/store';
import type { Logger } from '../observability/logger.js';
import type { PriceBook } from '../pricing/price-book.js';
import type { CompiledRoute, RouteLeaf } from '../routing/compile-route.js';
import type { RouteAttempt } from '../routing/route-attempt.js';
import type { Endpoint, Principal } from '../tenancy/principal.js';
import { usageWebhookRows } from '../webhooks/webhook-outbox-rows.js';
import type { WebhookEndpointConfig } from '../webhooks/webhook-config-schema.js';
import { WebhookWorker } from '../webhooks/webhook-worker.js';
import { estimateRequest, type RequestEstimate } from '../limits/estimate-request.js';
import { RequestLimiter, keepOf, type Admission } from '../limits/request-limiter.js';
import { holdsOf } from '../limits/limit-plan.js';
import { LedgerWriter } from './ledger-writer.js';
import { RequestMeter } from './request-meter.js';
import { timeOrderedUuid } from './time-ordered-id.js';

/** Options of the metering service. */
export interface UsageMeteringOptions {
  state: StateStore;
  prices: PriceBook;
  logger: Logger;
  /** The ledger; without it limits still apply but nothing is recorded. */
  store?: Store;
  /** Webhook endpoints (secrets resolved). */
  webhooks?: readonly WebhookEndpointConfig[];
  instanceId?: string;
  now?: () => number;
  random?: () => number;
  /** Group commit delay (default 5 ms). */
  flushMs?: number;
  /** Heartbeat period (default 1 s). */
  heartbeatMs?: number;
  /** A gateway whose heartbeat is older than this is dead (default 10 s). */
  deadAfterMs?: number;
  /** How often dead gateways' pending rows are looked for (default 5 s). */
  reconcileMs?: number;
  /** Outbox poll period (default 500 ms). */
  webhookPollMs?: number;
  /** How long a replica holds a claimed outbox row (default 30 s). */
  webhookLeaseMs?: number;
  /** First retry delay of a failed delivery, doubled per attempt (default 1 s). */
  webhookBaseDelayMs?: number;
}

/** What the chat route tells metering when a request begins. */
export interface MeteringStart {
  principal: Principal | undefined;
  endpoint: Endpoint;
  request: ChatRequest;
  route: CompiledRoute;
  /** The gateway's request id; the ledger uses it unless the client chose it (then a fresh one). */
  requestId: string;
  clientChoseRequestId: boolean;
  threadId: string | undefined;
}

/** How a request ended, as the chat route saw it. */
export interface MeteringEnd {
  attempts: readonly RouteAttempt[];
  served: RouteLeaf | undefined;
  /** The status sent to the client. */
  httpStatus: number;
  /** Error code when the request failed before or instead of answering. */
  errorCode: string | undefined;
  /** A streamed answer ended without its finish (cut, with the error event sent). */
  streamed: boolean;
  clientGone: boolean;
}

/** One request under metering. */
export interface MeteredRequest {
  /** The id of the request's usage record (and `x-rampart-request-id` upstream). */
  readonly ledgerId: string;
  readonly meter: RequestMeter;
  readonly estimate: RequestEstimate;
  readonly admission: Admission;
  readonly startedAt: number;
  readonly start: MeteringStart;
  /** The journal file holding the pending row, when pending rows are journaled (else it is in pending_usage). */
  readonly journaled: JournalSegment | undefined;
}

/** The principal fields a pending row keeps (enough to write its record after a crash). */
interface PendingPrincipal {
  keyId: string | null;
  userId: string | null;
  teamId: string | null;
  threadId: string | null;
  endpoint: string;
  requestedModel: string;
}

const THREAD_ID_MAX = 200;

/** Limits, budgets, ledger and webhooks of one gateway process. */
export class UsageMetering {
  readonly limiter: RequestLimiter;
  readonly instanceId: string;
  readonly #o: UsageMeteringOptions;
  readonly #now: () => number;
  readonly #writer: LedgerWriter | undefined;
  /** Pending rows as journal lines (a SQLite file store), else as pending_usage rows via the writer. */
  readonly #journal: PendingJournal | undefined;
  readonly #webhooks: WebhookWorker | undefined;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #reconciling: Promise<number> | undefined;

  constructor(options: UsageMeteringOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.instanceId = options.instanceId ?? `gw_${randomUUID()}`;
    const store = options.store;
    this.limiter = new RequestLimiter({
      state: options.state,
      now: this.#now,
      instanceId: this.instanceId,
      ...(store ? { ledgerSpend: (filter) => store.usageRecords.spent(filter) } : {}),
    });
    if (store?.pendingJournalDir !== undefined)
      this.#journal = new PendingJournal(store.pendingJournalDir, this.instanceId);
    if (store) {
      this.#writer = new LedgerWriter((batch) => store.usageRecords.commit(batch), {
        ...(options.flushMs !== undefined ? { flushMs: options.flushMs } : {}),
        onError: (error) => options.logger.error({ err: error }, 'ledger commit failed'),
      });
      if ((options.webhooks ?? []).length > 0) {
        this.#webhooks = new WebhookWorker({
          outbox: store.webhookOutbox,
          endpoints: options.webhooks ?? [],
          owner: this.instanceId,
          logger: options.logger,
          now: this.#now,
          ...(options.random ? { random: options.random } : {}),
          ...(options.webhookPollMs !== undefined ? { pollMs: options.webhookPollMs } : {}),
          ...(options.webhookLeaseMs !== undefined
            ? { leaseMs: options.webhookLeaseMs, timeoutMs: Math.min(10_000, options.webhookLeaseMs / 2) }
            : {}),
          ...(options.webhookBaseDelayMs !== undefined ? { baseDelayMs: options.webhookBaseDelayMs } : {}),
        });
      }
    }
  }

  /** The pending-row journal (a SQLite file store), else undefined: rows go to pending_usage. */
  get journal(): PendingJournal | undefined {
    return this.#journal;
  }

  /** Whether requests without a principal need metering at all (they do when there is a ledger). */
  get recording(): boolean {
    return this.#writer !== undefined;
  }

  /** Registers this instance, reconciles what dead instances left, starts heartbeat, reconciler and webhooks. */
  async start(): Promise<void> {
    const store = this.#o.store;
    if (!store) return;
    const now = this.#now();
    await store.gatewayInstances.register({
      id: this.instanceId,
      hostname: hostname(),
      pid: process.pid,
      startedAt: now,
      heartbeatAt: now,
    });
    await this.reconcile().catch((error: unknown) =>
      this.#o.logger.error({ err: error }, 'ledger reconciliation failed'),
    );
    const every = (ms: number, task: () => Promise<unknown>, what: string) => {
      const timer = setInterval(() => {
        task().catch((error: unknown) => this.#o.logger.warn({ err: error }, `${what} failed`));
      }, ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(this.#o.heartbeatMs ?? 1_000, () => this.#heartbeat(), 'gateway heartbeat');
    every(this.#o.reconcileMs ?? 5_000, () => this.reconcile(), 'ledger reconciliation');
    this.#webhooks?.start();
  }

  /** Stops timers, writes what is queued, and deregisters (a clean stop leaves nothing to reconcile). */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    await Promise.allSettled([...this.#inFlight]);
    await this.#writer?.drain();
    await this.#webhooks?.close();
    await this.#reconciling;
    this.#journal?.close();
    const store = this.#o.store;
    if (
      store &&
      (this.#journal?.unsettled ?? 0) === 0 &&
      (await store.pendingUsage.listByInstances([this.instanceId], 1)).length === 0
    )
      await store.gatewayInstances.remove(this.instanceId);
  }

  /**
   * Admits a request (throws LimitExceededError) and makes its pending row durable. Returns undefined when there is
   * nothing to meter (no limits for this caller and no ledger).
   */
  async begin(start: MeteringStart): Promise<MeteredRequest | undefined> {
    const { principal } = start;
    if (principal === undefined && !this.#writer) return undefined;
    const estimate = estimateRequest(start.request, start.route.root, this.#o.prices);
    const ledgerId = start.clientChoseRequestId ? timeOrderedUuid() : start.requestId;
    const admission = await this.limiter.admit(principal, estimate, ledgerId);
    const startedAt = this.#now();
    let journaled: JournalSegment | undefined;
    if (this.#writer) {
      const row = pendingRow(ledgerId, start, estimate, admission, startedAt, this.instanceId);
      try {
        if (this.#journal) journaled = await this.#journal.append(row);
        else await this.#writer.addPending(row);
      } catch (error) {
        await this.limiter.release(admission, ledgerId).catch(() => undefined);
        throw error;
      }
    }
    return { ledgerId, meter: new RequestMeter(this.#now), estimate, admission, startedAt, start, journaled };
  }

  /** Settles and records a finished request in the background (the response is already on its way). */
  end(metered: MeteredRequest, end: MeteringEnd): void {
    // The record waits for its group commit (tens of ms); only it and these two stay reachable meanwhile, not
    // the request (its body, route, meter): under load whatever lives that long is promoted to the old
    // generation and collected there, at a full collection's cost.
    const { ledgerId, journaled } = metered;
    const task = this.#settle(metered, end)
      .then((entry) => (entry === undefined ? undefined : this.#write(entry, journaled)))
      .catch((error: unknown) =>
        this.#o.logger.error({ err: error, requestId: ledgerId }, 'usage settlement failed'),
      );
    this.#inFlight.add(task);
    void task.finally(() => this.#inFlight.delete(task));
  }

  /** Waits until every ended request is settled and written (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    await this.#writer?.drain();
  }

  /** Pokes the webhook worker (tests). */
  deliverWebhooks(): Promise<number> {
    return this.#webhooks?.runOnce() ?? Promise.resolve(0);
  }

  /** Turns pending rows of dead instances into `interrupted` records; resolves to how many it wrote. */
  reconcile(): Promise<number> {
    if (!this.#reconciling) {
      this.#reconciling = this.#reconcileOnce().finally(() => {
        this.#reconciling = undefined;
      });
    }
    return this.#reconciling;
  }

  /** Settles the budgets to what was spent; returns the record to write (none if no upstream was reached). */
  async #settle(metered: MeteredRequest, end: MeteringEnd): Promise<LedgerEntry | undefined> {
    const reached = end.attempts.some((a) => a.outcome !== 'skipped') || metered.meter.calls.length > 0;
    if (!reached) {
      // Refused before any upstream call: no record; free the holds and the pending row.
      await this.limiter.release(metered.admission, metered.ledgerId);
      if (metered.journaled) this.#journal!.settle(metered.journaled);
      else await this.#o.store?.pendingUsage.remove([metered.ledgerId]);
      return undefined;
    }
    const totals = metered.meter.totals(this.#o.prices);
    const tokens = tokenTotal(totals.usage);
    await this.limiter.settle(metered.admission, metered.ledgerId, {
      tokens,
      costNanos: Number(totals.costNanos),
    });
    if (!this.#writer) return undefined;
    const record = this.#record(metered, end, totals.usage, totals.costNanos);
    return { record, outbox: usageWebhookRows(this.#o.webhooks ?? [], record, this.#now()) };
  }

  /** Writes the record; once it is committed, the pending row is no longer needed. */
  async #write(entry: LedgerEntry, journaled: JournalSegment | undefined): Promise<void> {
    await this.#writer!.addRecord(entry);
    // A pending_usage row went in the same commit; a journal line is settled here.
    if (journaled) this.#journal!.settle(journaled);
    this.#webhooks?.poke();
  }

  #record(metered: MeteredRequest, end: MeteringEnd, usage: Usage, costNanos: bigint): UsageRecord {
    const { start, meter } = metered;
    const last = end.attempts.findLast((a) => a.outcome !== 'skipped');
    const status: UsageStatus = end.clientGone
      ? 'client_gone'
      : end.errorCode !== undefined
        ? 'error'
        : end.streamed && !meter.lastFinished
          ? 'cut'
          : 'ok';
    const failedReason = end.attempts.findLast((a) => a.outcome === 'failed')?.reason;
    return {
      requestId: metered.ledgerId,
      ...ids(start.principal),
      threadId: start.threadId ?? null,
      endpoint: start.endpoint,
      requestedModel: start.request.model,
      provider: end.served?.candidate.provider.name ?? last?.provider ?? null,
      model: end.served?.candidate.upstreamModel ?? last?.model ?? null,
      status,
      httpStatus: end.httpStatus,
      errorCode: end.errorCode ?? (status === 'cut' ? (failedReason ?? 'stream_interrupted') : null),
      ...tokenColumns(usage),
      estimated: false,
      costNanos,
      latencyMs: this.#now() - metered.startedAt,
      ttftMs: meter.firstContentAt === undefined ? null : meter.firstContentAt - metered.startedAt,
      attempts: end.attempts,
      startedAt: metered.startedAt,
    };
  }

  async #heartbeat(): Promise<void> {
    const store = this.#o.store!;
    const now = this.#now();
    if (!(await store.gatewayInstances.heartbeat(this.instanceId, now))) {
      // Another instance declared this one dead (a long pause) and may have moved and deleted its journal files
      // (their lines reconciled as interrupted): come back, with new files for the rows to come.
      this.#journal?.rotate();
      await store.gatewayInstances.register({
        id: this.instanceId,
        hostname: hostname(),
        pid: process.pid,
        startedAt: now,
        heartbeatAt: now,
      });
    }
  }

  async #reconcileOnce(): Promise<number> {
    const store = this.#o.store;
    if (!store) return 0;
    const now = this.#now();
    const journalDir = store.pendingJournalDir;
    // Who holds pending rows is read before who is registered: an instance registers before its first row, so
    // one that started meanwhile is known, not taken for an orphan.
    const holders = [
      ...(await store.pendingUsage.listInstances()),
      ...(journalDir === undefined ? [] : journalInstances(journalDir)),
    ];
    const lapsed = await store.gatewayInstances.listLapsed(now - (this.#o.deadAfterMs ?? 10_000));
    const known = new Set(await store.gatewayInstances.listIds());
    // Pending rows of an instance that has no row at all are orphans too.
    const orphans = holders.filter((id) => !known.has(id));
    const dead = [...new Set([...lapsed.map((i) => i.id), ...orphans])].filter(
      (id) => id !== this.instanceId,
    );
    if (dead.length === 0) return 0;
    // Dead instances' journal lines become pending_usage rows, reconciled below with the rest.
    if (journalDir !== undefined)
      await drainJournals(journalDir, dead, (rows) =>
        store.usageRecords.commit({ pending: rows, entries: [] }),
      );
    let written = 0;
    for (;;) {
      const rows = await store.pendingUsage.listByInstances(dead, 200);
      if (rows.length === 0) break;
      const entries = rows.map((row) => {
        const record = interruptedRecord(row, now);
        return { record, outbox: usageWebhookRows(this.#o.webhooks ?? [], record, now) };
      });
      const inserted = new Set(await store.usageRecords.commit({ pending: [], entries }));
      // Only the reconciler whose insert won settles: a second settle would count the spend twice.
      await Promise.all(
        rows
          .filter((row) => inserted.has(row.requestId))
          .flatMap((row) =>
            pendingHolds(row).map((r) =>
              this.#o.state.settle(r.key, row.requestId, r.amount, keepOf(r, now).keepMs),
            ),
          ),
      );
      written += inserted.size;
      if (rows.length < 200) break;
    }
    for (const instance of lapsed) {
      if (instance.id === this.instanceId) continue;
      if ((await store.pendingUsage.listByInstances([instance.id], 1)).length === 0)
        await store.gatewayInstances.remove(instance.id);
    }
    if (written > 0) {
      this.#o.logger.warn({ records: written, instances: dead }, 'reconciled requests of dead gateways');
      this.#webhooks?.poke();
    }
    return written;
  }
}

/** Every token class together: what token budgets and tokens-per-minute count. */
export function tokenTotal(usage: Usage): number {
  return (
    (usage.inputTokens ?? 0) +
    (usage.cacheReadTokens ?? 0) +
    (usage.cacheWriteTokens ?? 0) +
    (usage.outputTokens ?? 0)
  );
}

function ids(principal: Principal | undefined) {
  return {
    keyId: principal?.keyId ?? null,
    userId: principal?.userId ?? null,
    teamId: principal?.teamId ?? null,
  };
}

function tokenColumns(usage: Usage) {
  return {
    inputTokens: usage.inputTokens ?? null,
    outputTokens: usage.outputTokens ?? null,
    cacheReadTokens: usage.cacheReadTokens ?? null,
    cacheWriteTokens: usage.cacheWriteTokens ?? null,
    cacheWrite5mTokens: usage.cacheWrite5mTokens ?? null,
    cacheWrite1hTokens: usage.cacheWrite1hTokens ?? null,
    reasoningTokens: usage.reasoningTokens ?? null,
  };
}

/** A thread id from `x-rampart-thread-id`, bounded (it is stored and indexed). */
export function threadIdOf(value: string | string[] | undefined): string | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text.slice(0, THREAD_ID_MAX) : undefined;
}

function pendingRow(
  ledgerId: string,
  start: MeteringStart,
  estimate: RequestEstimate,
  admission: Admission,
  startedAt: number,
  instanceId: string,
): PendingUsageRow {
  const principal: PendingPrincipal = {
    ...ids(start.principal),
    threadId: start.threadId ?? null,
    endpoint: start.endpoint,
    requestedModel: start.request.model,
  };
  return {
    requestId: ledgerId,
    instanceId,
    principalJson: JSON.stringify(principal),
    estimateJson: JSON.stringify(estimate),
    reservationsJson: admission.holdsJson,
    startedAt,
  };
}

/** The budget holds a pending row stands for. */
function pendingHolds(row: PendingUsageRow) {
  const principal = JSON.parse(row.principalJson) as PendingPrincipal;
  const estimate = JSON.parse(row.estimateJson) as RequestEstimate;
  return holdsOf(row.reservationsJson, principal, estimate);
}

function interruptedRecord(row: PendingUsageRow, now: number): UsageRecord {
  const principal = JSON.parse(row.principalJson) as PendingPrincipal;
  const estimate = JSON.parse(row.estimateJson) as RequestEstimate;
  return {
    requestId: row.requestId,
    keyId: principal.keyId,
    userId: principal.userId,
    teamId: principal.teamId,
    threadId: principal.threadId,
    endpoint: principal.endpoint,
    requestedModel: principal.requestedModel,
    provider: null,
    model: estimate.pricedModel ?? null,
    status: 'interrupted',
    httpStatus: null,
    errorCode: 'interrupted',
    inputTokens: estimate.inputTokens,
    outputTokens: estimate.outputTokens,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    cacheWrite5mTokens: null,
    cacheWrite1hTokens: null,
    reasoningTokens: null,
    estimated: true,
    costNanos: BigInt(estimate.costNanos),
    latencyMs: Math.max(0, now - row.startedAt),
    ttftMs: null,
    attempts: [],
    startedAt: row.startedAt,
  };
}
