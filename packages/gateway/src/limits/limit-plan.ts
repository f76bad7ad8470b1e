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
      rates.push({ level, what: 'requests', key: `rate:${level}:${id}:rpm`, limit: limits.requestsPerMinute });
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
        key: `budget:${level}:${id}:${unit}:${period.label}`,
        keepUntil: period.end + BUDGET_KEEP_MARGIN_MS,
      });
    }
  }
  return { minute, rates, budgets, seeded: budgets.length === 0 };
}
