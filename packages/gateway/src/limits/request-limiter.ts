// Admission of one request against the caller's limits at key, user and team level: requests and tokens per
// minute as sliding rate counters, then a reservation of the estimate on every budget (tokens per hour, USD per
// day and per month). Both go through the state store, so they are exact across replicas when it is Redis. After
// the request, settle() replaces each reservation by what was really spent; release() frees it when nothing was.
// A budget counter the state store does not have yet is first seeded from the ledger, once across replicas.
import type { RateItem, RateResult, ReserveItem, StateStore } from '@rampart/state';
import type { Principal } from '../tenancy/principal.js';
import type { RequestEstimate } from './estimate-request.js';
import { LimitExceededError, type LimitRefusal } from './limit-exceeded-error.js';
import {
  BUDGET_KEEP_MARGIN_MS,
  LimitPlans,
  MINUTE,
  type BudgetPlan,
  type BudgetReservation,
  type LimitLevel,
  type RatePlan,
} from './limit-plan.js';
import { budgetPeriod, isoSeconds, windowName, type BudgetWindow } from './limit-windows.js';
import { formatUsd } from './usd-nanos.js';

export type { BudgetReservation, LimitLevel } from './limit-plan.js';

/** A budget hold of an admitted request: also the item reserveMany took it with (one object per budget). */
export interface Hold extends BudgetReservation, ReserveItem {
  keepUntil: number;
}

/** What admission took for one request, to be settled or released afterwards. */
export interface Admission {
  reservations: Hold[];
  /** The holds as the request's pending row keeps them (holdsOf rebuilds them). */
  holdsJson: string;
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

/** How long a loser of the seeding race waits for the winner's seed to land. */
const SEED_WAIT_MS = 2_000;
const SEED_PENDING_TTL_MS = 10_000;

/** An empty admission (no limits applied). */
export const NO_ADMISSION: Admission = Object.freeze({ reservations: [], holdsJson: '[]', tokenRates: [] });

/** Applies one gateway's view of limits and budgets. */
export class RequestLimiter {
  readonly #deps: RequestLimiterDeps;
  readonly #seeded = new Set<string>();
  readonly #seeding = new Map<string, Promise<void>>();
  readonly #plans = new LimitPlans();

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
    const now = this.#deps.now();
    const plan = this.#plans.of(principal, now);
    if (plan.rates.length === 0 && plan.budgets.length === 0) return NO_ADMISSION;
    const admission: Admission = { reservations: [], holdsJson: '[]', tokenRates: [] };

    const rates = await this.#deps.state.rateAddMany(
      plan.rates.map((rate) => ({
        key: rate.key,
        windowMs: MINUTE,
        amount: rate.what === 'requests' ? 1 : estimate.tokens,
        limit: rate.limit,
        mode: 'sliding',
      })),
    );
    let rateRefusal: LimitRefusal | undefined;
    for (let i = 0; i < rates.length; i++) {
      const rate = plan.rates[i]!;
      const result = rates[i]!;
      if (!result.allowed) rateRefusal ??= rateLimitRefusal(rate, result, now);
      else if (rate.what === 'tokens')
        admission.tokenRates.push({ key: rate.key, amount: estimate.tokens, bucket: plan.minute });
    }
    if (rateRefusal) {
      // Tokens already charged at other levels are given back; requests stay counted (they were made).
      await this.#uncharge(admission);
      throw refusalError(rateRefusal);
    }
    if (plan.budgets.length === 0) return admission;

    if (!plan.seeded) {
      await Promise.all(plan.budgets.map((b) => this.#seed(b.key, b.level, b.id, b.window)));
      plan.seeded = true;
    }
    const ttlMs = this.#deps.reservationTtlMs ?? 15 * MINUTE;
    const holds = plan.budgets.map((budget): Hold => ({
      key: budget.key,
      id: requestId,
      unit: budget.unit,
      amount: budget.unit === 'tokens' ? estimate.tokens : estimate.costNanos,
      limit: budget.limit,
      ttlMs,
      keepMs: budget.keepUntil - now,
      keepUntil: budget.keepUntil,
    }));
    // One call for every budget: in-process one synchronous pass, on Redis the scripts go out together.
    const results = await this.#deps.state.reserveMany(holds);
    const refusedAt = results.findIndex((r) => !r.ok);
    if (refusedAt >= 0) {
      admission.reservations = holds.filter((_, i) => results[i]!.ok);
      await this.release(admission, requestId);
      throw refusalError(budgetRefusal(plan.budgets[refusedAt]!, now));
    }
    admission.reservations = holds;
    admission.holdsJson = plan.holdsJson;
    return admission;
  }

  /** Replaces every hold by the actual spend, and corrects tokens-per-minute counters to it. */
  async settle(admission: Admission, requestId: string, actual: ActualSpend): Promise<void> {
    if (admission.reservations.length === 0 && admission.tokenRates.length === 0) return;
    const now = this.#deps.now();
    const corrections = this.#rateCorrections(admission.tokenRates, actual.tokens, now);
    await Promise.all([
      admission.reservations.length === 0
        ? undefined
        : this.#deps.state.settleMany(
            admission.reservations.map((r) => ({
              key: r.key,
              id: requestId,
              actual: r.unit === 'tokens' ? actual.tokens : actual.costNanos,
              keepMs: keepMsAt(r.keepUntil, now),
            })),
          ),
      corrections.length === 0 ? undefined : this.#deps.state.rateAddMany(corrections),
    ]);
  }

  /** Frees every hold (the request never reached an upstream). */
  async release(admission: Admission, requestId: string): Promise<void> {
    await Promise.all([
      ...admission.reservations.map((r) => this.#deps.state.release(r.key, requestId)),
      this.#uncharge(admission),
    ]);
  }

  /** What to add to each tokens-per-minute counter charged in a minute still current: actual minus estimate. */
  #rateCorrections(rates: Admission['tokenRates'], actual: number, now: number): RateItem[] {
    const minute = Math.floor(now / MINUTE);
    const corrections: RateItem[] = [];
    for (const rate of rates) {
      const delta = actual - rate.amount;
      if (delta !== 0 && rate.bucket === minute)
        corrections.push({ key: rate.key, windowMs: MINUTE, amount: delta, mode: 'sliding' });
    }
    return corrections;
  }

  async #uncharge(admission: Admission): Promise<void> {
    const corrections = this.#rateCorrections(admission.tokenRates, 0, this.#deps.now());
    admission.tokenRates = [];
    if (corrections.length > 0) await this.#deps.state.rateAddMany(corrections);
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
  return reservation.keepUntil === undefined ? {} : { keepMs: keepMsAt(reservation.keepUntil, now) };
}

function keepMsAt(keepUntil: number, now: number): number {
  return Math.max(BUDGET_KEEP_MARGIN_MS / 60, keepUntil - now);
}

/** The refusal of a rate counter that said no. */
function rateLimitRefusal(rate: RatePlan, result: RateResult, now: number): LimitRefusal {
  const resetMs = Math.max(result.retryAfterMs, 0);
  const remaining = Math.max(0, Math.floor(rate.limit - result.count));
  return {
    kind: 'rate',
    level: rate.level,
    description: `rate limit of ${rate.limit} ${rate.what} per minute`,
    resetAt: now + resetMs,
    retryAfterMs: resetMs,
    headers: {
      [`x-ratelimit-limit-${rate.what}`]: String(rate.limit),
      [`x-ratelimit-remaining-${rate.what}`]: String(remaining),
      [`x-ratelimit-reset-${rate.what}`]: `${Math.ceil(resetMs / 1000)}s`,
    },
  };
}

/** The refusal of a budget the estimate does not fit in. */
function budgetRefusal(budget: BudgetPlan, now: number): LimitRefusal {
  const amount = budget.unit === 'tokens' ? `${budget.limit} tokens` : formatUsd(budget.limit);
  return {
    kind: 'budget',
    level: budget.level,
    description: `budget of ${amount} per ${windowName(budget.window)}`,
    resetAt: budget.period.end,
    retryAfterMs: budget.period.end - now,
    headers: {},
  };
}

function refusalError(refusal: LimitRefusal): LimitExceededError {
  const when =
    refusal.kind === 'rate'
      ? `retry in ${Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))} s (at ${isoSeconds(refusal.resetAt)})`
      : `resets at ${isoSeconds(refusal.resetAt)}`;
  return new LimitExceededError(refusal, `${refusal.level} ${refusal.description} exceeded; ${when}`);
}
