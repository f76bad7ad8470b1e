// Admission of one request against the caller's limits at key, user and team level: requests and tokens per
// minute as sliding rate counters, then a reservation of the estimate on every budget (tokens per hour, USD per
// day and per month). Both go through the state store, so they are exact across replicas when it is Redis. After
// the request, settle() replaces each reservation by what was really spent; release() frees it when nothing was.
// A budget counter the state store does not have yet is first seeded from the ledger, once across replicas.
import type { StateStore } from '@rampart/state';
import type { Limits, Principal } from '../tenancy/principal.js';
import type { RequestEstimate } from './estimate-request.js';
import { LimitExceededError, type LimitRefusal } from './limit-exceeded-error.js';
import { budgetPeriod, isoSeconds, windowName, type BudgetWindow } from './limit-windows.js';
import { formatUsd, usdToNanos } from './usd-nanos.js';

/** A level limits are set at. */
export type LimitLevel = 'key' | 'user' | 'team';

/** One budget hold of a request; kept in its pending row so a reconciler can settle it. */
export interface BudgetReservation {
  key: string;
  unit: 'tokens' | 'usd';
  /** Tokens or nano-USD held. */
  amount: number;
  /** Epoch ms until which the state store keeps the counter: its period's end plus a margin. */
  keepUntil?: number;
}

/** What admission took for one request, to be settled or released afterwards. */
export interface Admission {
  reservations: BudgetReservation[];
  /** Tokens-per-minute counters charged with the estimate, corrected to the actual at settle. */
  tokenRates: Array<{ key: string; amount: number; bucket: number }>;
}

/** What a finished request really spent. */
export interface ActualSpend {
  tokens: number;
  costNanos: number;
}

/** Spend recorded in the ledger at one level over [from, to). */
export type LedgerSpend = (filter: {
  level: LimitLevel;
  id: string;
  from: number;
  to: number;
}) => Promise<{ tokens: number; costNanos: bigint }>;

/** What the limiter needs. */
export interface RequestLimiterDeps {
  state: StateStore;
  /** Epoch ms. */
  now: () => number;
  /** The ledger's spend, to seed budget counters; without it counters start at zero. */
  ledgerSpend?: LedgerSpend;
  /** Names this process in seeding markers. */
  instanceId: string;
  /** A hold lapses after this (a crashed holder cannot pin budget forever); default 15 min. */
  reservationTtlMs?: number;
}

const MINUTE = 60_000;
const LEVELS: readonly LimitLevel[] = ['key', 'user', 'team'];
const BUDGETS: ReadonlyArray<{ window: BudgetWindow; field: 'tokensPerHour' | 'usdPerDay' | 'usdPerMonth' }> =
  [
    { window: 'tokens-hour', field: 'tokensPerHour' },
    { window: 'usd-day', field: 'usdPerDay' },
    { window: 'usd-month', field: 'usdPerMonth' },
  ];
/** How long a loser of the seeding race waits for the winner's seed to land. */
const SEED_WAIT_MS = 2_000;
const SEED_PENDING_TTL_MS = 10_000;
/** A budget counter outlives its period by this much (late settles, a dead replica's reconciliation). */
const BUDGET_KEEP_MARGIN_MS = 3_600_000;

/** An empty admission (no limits applied). */
export const NO_ADMISSION: Admission = Object.freeze({ reservations: [], tokenRates: [] });

/** Applies one gateway's view of limits and budgets. */
export class RequestLimiter {
  readonly #deps: RequestLimiterDeps;
  readonly #seeded = new Set<string>();
  readonly #seeding = new Map<string, Promise<void>>();

  constructor(deps: RequestLimiterDeps) {
    this.#deps = deps;
  }

  /** Admits the request or throws LimitExceededError naming the first limit it would break. */
  async admit(
    principal: Principal | undefined,
    estimate: RequestEstimate,
    requestId: string,
  ): Promise<Admission> {
    if (principal === undefined) return NO_ADMISSION;
    const levels = LEVELS.map((level) => ({
      level,
      id: level === 'key' ? principal.keyId : level === 'user' ? principal.userId : principal.teamId,
      limits: principal.limits[level],
    })).filter((l) => hasAny(l.limits));
    if (levels.length === 0) return NO_ADMISSION;
    const admission: Admission = { reservations: [], tokenRates: [] };

    const rateChecks = await Promise.all(
      levels.flatMap((l) => this.#rateChecks(l.level, l.id, l.limits, estimate)),
    );
    const rateRefusal = rateChecks.find((c) => c.refusal !== undefined)?.refusal;
    for (const check of rateChecks) if (check.charged) admission.tokenRates.push(check.charged);
    if (rateRefusal) {
      // Tokens already charged at other levels are given back; requests stay counted (they were made).
      await this.#uncharge(admission);
      throw refusalError(rateRefusal);
    }

    const now = this.#deps.now();
    const wanted = levels.flatMap(({ level, id, limits }) =>
      BUDGETS.filter((b) => limits[b.field] !== undefined).map(({ window, field }) => {
        const period = budgetPeriod(window, now);
        const unit = window === 'tokens-hour' ? ('tokens' as const) : ('usd' as const);
        const raw = limits[field]!;
        const limit = typeof raw === 'string' ? limitNanos(raw) : raw;
        return {
          level,
          id,
          window,
          period,
          limit,
          reservation: {
            key: `budget:${level}:${id}:${unit}:${period.label}`,
            unit,
            amount: unit === 'tokens' ? estimate.tokens : estimate.costNanos,
            keepUntil: period.end + BUDGET_KEEP_MARGIN_MS,
          },
        };
      }),
    );
    const unseeded = wanted.filter((w) => !this.#seeded.has(w.reservation.key));
    if (unseeded.length > 0)
      await Promise.all(unseeded.map((w) => this.#seed(w.reservation.key, w.level, w.id, w.window)));
    // One call for every budget: in-process one synchronous pass, on Redis the scripts go out together.
    const ttlMs = this.#deps.reservationTtlMs ?? 15 * MINUTE;
    const results = await this.#deps.state.reserveMany(
      wanted.map((w) => ({
        key: w.reservation.key,
        id: requestId,
        amount: w.reservation.amount,
        limit: w.limit,
        ttlMs,
        keepMs: w.reservation.keepUntil - now,
      })),
    );
    const refusedAt = results.findIndex((r) => !r.ok);
    for (let i = 0; i < wanted.length; i++)
      if (results[i]!.ok) admission.reservations.push(wanted[i]!.reservation);
    if (refusedAt >= 0) {
      await this.release(admission, requestId);
      const w = wanted[refusedAt]!;
      const amount = w.window === 'tokens-hour' ? `${w.limit} tokens` : formatUsd(w.limit);
      throw refusalError({
        kind: 'budget',
        level: w.level,
        description: `budget of ${amount} per ${windowName(w.window)}`,
        resetAt: w.period.end,
        retryAfterMs: w.period.end - now,
        headers: {},
      });
    }
    return admission;
  }

  /** Replaces every hold by the actual spend, and corrects tokens-per-minute counters to it. */
  async settle(admission: Admission, requestId: string, actual: ActualSpend): Promise<void> {
    if (admission.reservations.length === 0 && admission.tokenRates.length === 0) return;
    const now = this.#deps.now();
    await Promise.all([
      admission.reservations.length === 0
        ? undefined
        : this.#deps.state.settleMany(
            admission.reservations.map((r) => ({
              key: r.key,
              id: requestId,
              actual: r.unit === 'tokens' ? actual.tokens : actual.costNanos,
              ...keepOf(r, now),
            })),
          ),
      ...admission.tokenRates.map((rate) => this.#correctRate(rate, actual.tokens)),
    ]);
  }

  /** Frees every hold (the request never reached an upstream). */
  async release(admission: Admission, requestId: string): Promise<void> {
    await Promise.all([
      ...admission.reservations.map((r) => this.#deps.state.release(r.key, requestId)),
      this.#uncharge(admission),
    ]);
  }

  #rateChecks(
    level: LimitLevel,
    id: string,
    limits: Limits,
    estimate: RequestEstimate,
  ): Array<Promise<{ refusal?: LimitRefusal; charged?: Admission['tokenRates'][number] }>> {
    const checks: Array<Promise<{ refusal?: LimitRefusal; charged?: Admission['tokenRates'][number] }>> = [];
    const check = async (what: 'requests' | 'tokens', limit: number, amount: number) => {
      const key = `rate:${level}:${id}:${what === 'requests' ? 'rpm' : 'tpm'}`;
      const now = this.#deps.now();
      const result = await this.#deps.state.rateAdd(key, {
        windowMs: MINUTE,
        amount,
        limit,
        mode: 'sliding',
      });
      const resetMs = Math.max(result.retryAfterMs, 0);
      if (result.allowed) {
        return what === 'tokens' ? { charged: { key, amount, bucket: Math.floor(now / MINUTE) } } : {};
      }
      const remaining = Math.max(0, Math.floor(limit - result.count));
      return {
        refusal: {
          kind: 'rate' as const,
          level,
          description: `rate limit of ${limit} ${what} per minute`,
          resetAt: now + resetMs,
          retryAfterMs: resetMs,
          headers: {
            [`x-ratelimit-limit-${what}`]: String(limit),
            [`x-ratelimit-remaining-${what}`]: String(remaining),
            [`x-ratelimit-reset-${what}`]: `${Math.ceil(resetMs / 1000)}s`,
          },
        },
      };
    };
    if (limits.requestsPerMinute !== undefined) checks.push(check('requests', limits.requestsPerMinute, 1));
    if (limits.tokensPerMinute !== undefined)
      checks.push(check('tokens', limits.tokensPerMinute, estimate.tokens));
    return checks;
  }

  /** Adds the difference between actual and estimate, if the minute it was charged in is still current. */
  async #correctRate(rate: Admission['tokenRates'][number], actual: number): Promise<void> {
    const delta = actual - rate.amount;
    if (delta === 0 || Math.floor(this.#deps.now() / MINUTE) !== rate.bucket) return;
    await this.#deps.state.rateAdd(rate.key, { windowMs: MINUTE, amount: delta, mode: 'sliding' });
  }

  async #uncharge(admission: Admission): Promise<void> {
    await Promise.all(admission.tokenRates.map((rate) => this.#correctRate(rate, 0)));
    admission.tokenRates = [];
  }

  /** Seeds a budget counter from the ledger once per counter across replicas (guarded by compareAndSet). */
  #seed(key: string, level: LimitLevel, id: string, window: BudgetWindow): Promise<void> {
    if (this.#seeded.has(key) || this.#deps.ledgerSpend === undefined) return Promise.resolve();
    let seeding = this.#seeding.get(key);
    if (!seeding) {
      seeding = this.#seedOnce(key, level, id, window).finally(() => this.#seeding.delete(key));
      this.#seeding.set(key, seeding);
    }
    return seeding;
  }

  async #seedOnce(key: string, level: LimitLevel, id: string, window: BudgetWindow): Promise<void> {
    const { state, now, instanceId } = this.#deps;
    const marker = `seeded:${key}`;
    const period = budgetPeriod(window, now());
    const keep = period.end - now() + 3_600_000;
    const deadline = now() + SEED_WAIT_MS;
    for (;;) {
      const value = await state.get(marker);
      if (value === 'done') break;
      if (
        value === undefined &&
        (await state.compareAndSet(marker, undefined, `pending:${instanceId}`, SEED_PENDING_TTL_MS))
      ) {
        const spent = await this.#deps.ledgerSpend!({ level, id, from: period.start, to: period.end });
        const amount = window === 'tokens-hour' ? spent.tokens : Number(spent.costNanos);
        // settle() with an id that holds nothing just adds to what was spent.
        if (amount > 0)
          await state.settle(key, `seed:${instanceId}`, amount, period.end + BUDGET_KEEP_MARGIN_MS - now());
        await state.compareAndSet(marker, `pending:${instanceId}`, 'done', keep);
        break;
      }
      // Another replica is seeding this counter: wait for it rather than admit against an empty one.
      if (now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Counters of past periods are never asked for again; keep the set from growing without bound.
    if (this.#seeded.size > 100_000) this.#seeded.clear();
    this.#seeded.add(key);
  }
}

/** The keepMs of a reservation's counter at `now` (none for holds recorded before counters expired). */
export function keepOf(reservation: BudgetReservation, now: number): { keepMs?: number } {
  return reservation.keepUntil === undefined
    ? {}
    : { keepMs: Math.max(BUDGET_KEEP_MARGIN_MS / 60, reservation.keepUntil - now) };
}

// Limits are the same few strings on every request of a caller: parse each once (bounded, like #seeded).
const parsedUsd = new Map<string, number>();

function limitNanos(usd: string): number {
  let nanos = parsedUsd.get(usd);
  if (nanos === undefined) {
    nanos = usdToNanos(usd);
    if (parsedUsd.size > 10_000) parsedUsd.clear();
    parsedUsd.set(usd, nanos);
  }
  return nanos;
}

function hasAny(limits: Limits): boolean {
  return (
    limits.requestsPerMinute !== undefined ||
    limits.tokensPerMinute !== undefined ||
    limits.tokensPerHour !== undefined ||
    limits.usdPerDay !== undefined ||
    limits.usdPerMonth !== undefined
  );
}

function refusalError(refusal: LimitRefusal): LimitExceededError {
  const when =
    refusal.kind === 'rate'
      ? `retry in ${Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))} s (at ${isoSeconds(refusal.resetAt)})`
      : `resets at ${isoSeconds(refusal.resetAt)}`;
  return new LimitExceededError(refusal, `${refusal.level} ${refusal.description} exceeded; ${when}`);
}
