// Which counters a caller's request is checked against, worked out once per caller and minute: the rate
// counters (requests and tokens per minute) and the budgets (tokens per hour, USD per day and month) at key, user
// and team level, with their state-store keys, limits and periods. Every request of a caller touches the same
// keys until a budget period turns, and periods start on a minute boundary; building the keys and parsing the
// limits per request was most of admission's cost.
import type { Limits, Principal } from '../tenancy/principal.js';
import { budgetPeriod, type BudgetPeriod, type BudgetWindow } from './limit-windows.js';
import { usdToNanos } from './usd-nanos.js';

/** A level limits are set at. */
export type LimitLevel = 'key' | 'user' | 'team';

/** One requests- or tokens-per-minute counter. */
export interface RatePlan {
  level: LimitLevel;
  what: 'requests' | 'tokens';
  key: string;
  limit: number;
}

/** One budget a request reserves its estimate on. */
export interface BudgetPlan {
  level: LimitLevel;
  /** The key, user or team id. */
  id: string;
  window: BudgetWindow;
  unit: 'tokens' | 'usd';
  period: BudgetPeriod;
  /** Tokens, or nano-USD. */
  limit: number;
  key: string;
  /** Epoch ms until which the state store keeps the counter: its period's end plus a margin. */
  keepUntil: number;
}

/** What a caller's requests are checked against during one minute. */
export interface LimitPlan {
  minute: number;
  rates: RatePlan[];
  budgets: BudgetPlan[];
  /** Every budget counter of the plan has been seeded from the ledger. */
  seeded: boolean;
  /** The holds of a request admitted under this plan, as its pending row keeps them (see holdsOf). */
  holdsJson: string;
}

/** One budget hold of a request: what a reconciler settles when the request's gateway died. */
export interface BudgetReservation {
  key: string;
  unit: 'tokens' | 'usd';
  /** Tokens or nano-USD held. */
  amount: number;
  /** Epoch ms until which the state store keeps the counter: its period's end plus a margin. */
  keepUntil?: number;
}

/** The ids and estimate a pending row keeps beside its holds. */
export interface HoldOwner {
  keyId: string | null;
  userId: string | null;
  teamId: string | null;
}

export const MINUTE = 60_000;
/** A budget counter outlives its period by this much (late settles, a dead replica's reconciliation). */
export const BUDGET_KEEP_MARGIN_MS = 3_600_000;

const LEVELS: readonly LimitLevel[] = ['key', 'user', 'team'];
const BUDGETS: ReadonlyArray<{ window: BudgetWindow; field: 'tokensPerHour' | 'usdPerDay' | 'usdPerMonth' }> =
  [
    { window: 'tokens-hour', field: 'tokensPerHour' },
    { window: 'usd-day', field: 'usdPerDay' },
    { window: 'usd-month', field: 'usdPerMonth' },
  ];

/** Plans by principal: a principal object is replaced when its key, user or team changes. */
export class LimitPlans {
  readonly #plans = new WeakMap<Principal, LimitPlan>();

  /** The plan of `principal` at `now`. */
  of(principal: Principal, now: number): LimitPlan {
    const minute = Math.floor(now / MINUTE);
    let plan = this.#plans.get(principal);
    if (plan?.minute !== minute) {
      plan = buildPlan(principal, now, minute);
      this.#plans.set(principal, plan);
    }
    return plan;
  }
}

function buildPlan(principal: Principal, now: number, minute: number): LimitPlan {
  const rates: RatePlan[] = [];
  const budgets: BudgetPlan[] = [];
  for (const level of LEVELS) {
    const id = level === 'key' ? principal.keyId : level === 'user' ? principal.userId : principal.teamId;
    const limits: Limits = principal.limits[level];
    if (limits.requestsPerMinute !== undefined)
      rates.push({
        level,
        what: 'requests',
        key: `rate:${level}:${id}:rpm`,
        limit: limits.requestsPerMinute,
      });
    if (limits.tokensPerMinute !== undefined)
      rates.push({ level, what: 'tokens', key: `rate:${level}:${id}:tpm`, limit: limits.tokensPerMinute });
    for (const { window, field } of BUDGETS) {
      const raw = limits[field];
      if (raw === undefined) continue;
      const period = budgetPeriod(window, now);
      const unit = window === 'tokens-hour' ? 'tokens' : 'usd';
      budgets.push({
        level,
        id,
        window,
        unit,
        period,
        limit: typeof raw === 'string' ? usdToNanos(raw) : raw,
        key: budgetKey(level, id, unit, period),
        keepUntil: period.end + BUDGET_KEEP_MARGIN_MS,
      });
    }
  }
  const holds: PlannedHolds = { minute, budgets: budgets.map((b) => `${b.level}:${b.window}`) };
  return { minute, rates, budgets, seeded: budgets.length === 0, holdsJson: JSON.stringify(holds) };
}

/**
 * A pending row names its holds by level and window and the minute they were planned in; with the row's ids and
 * estimate that rebuilds every key and amount. Spelled out (key, unit, amount per hold: ~800 bytes) the rows were
 * wide enough that a commit of a few of them spanned several pages, and the request waits for that commit.
 */
interface PlannedHolds {
  minute: number;
  budgets: string[];
}

/** The holds a pending row stands for (also rows written before holds were planned: a list of holds). */
export function holdsOf(
  holdsJson: string,
  owner: HoldOwner,
  estimate: { tokens: number; costNanos: number },
): BudgetReservation[] {
  const parsed = JSON.parse(holdsJson) as PlannedHolds | BudgetReservation[];
  if (Array.isArray(parsed)) return parsed;
  const at = parsed.minute * MINUTE;
  return parsed.budgets.map((code) => {
    const [level, window] = code.split(':') as [LimitLevel, BudgetWindow];
    const id = level === 'key' ? owner.keyId : level === 'user' ? owner.userId : owner.teamId;
    const period = budgetPeriod(window, at);
    const unit = window === 'tokens-hour' ? 'tokens' : 'usd';
    return {
      key: budgetKey(level, id ?? '', unit, period),
      unit,
      amount: unit === 'tokens' ? estimate.tokens : estimate.costNanos,
      keepUntil: period.end + BUDGET_KEEP_MARGIN_MS,
    };
  });
}

function budgetKey(level: LimitLevel, id: string, unit: 'tokens' | 'usd', period: BudgetPeriod): string {
  return `budget:${level}:${id}:${unit}:${period.label}`;
}
