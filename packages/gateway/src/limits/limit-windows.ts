// The windows limits and budgets count in, all UTC: a budget's period key names the hour, day or month it
// belongs to, so a new period starts from zero in every replica at the same instant with no reset job.

/** A budget's kind and period. */
export type BudgetWindow = 'tokens-hour' | 'usd-day' | 'usd-month';

/** The period a budget counts in at `now`: its key suffix, start and end (epoch ms). */
export interface BudgetPeriod {
  /** `2026-11-28T14` (hour), `2026-11-28` (day) or `2026-11` (month). */
  label: string;
  start: number;
  end: number;
}

// Hours, days and months start on a minute boundary, so a period computed once holds for the whole minute: the
// hot path asks for it nine times per request.
const memo = new Map<BudgetWindow, { minute: number; period: BudgetPeriod }>();

/** The current period of a budget window. */
export function budgetPeriod(window: BudgetWindow, now: number): BudgetPeriod {
  const minute = Math.floor(now / 60_000);
  const known = memo.get(window);
  if (known?.minute === minute) return known.period;
  const period = computePeriod(window, now);
  memo.set(window, { minute, period });
  return period;
}

function computePeriod(window: BudgetWindow, now: number): BudgetPeriod {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const iso = d.toISOString();
  switch (window) {
    case 'tokens-hour': {
      const start = Date.UTC(y, m, d.getUTCDate(), d.getUTCHours());
      return { label: iso.slice(0, 13), start, end: start + 3_600_000 };
    }
    case 'usd-day': {
      const start = Date.UTC(y, m, d.getUTCDate());
      return { label: iso.slice(0, 10), start, end: start + 86_400_000 };
    }
    case 'usd-month':
      return { label: iso.slice(0, 7), start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
  }
}

/** How a window is named in messages. */
export function windowName(window: BudgetWindow): string {
  return window === 'tokens-hour' ? 'hour' : window === 'usd-day' ? 'day' : 'month';
}

/** `YYYY-MM-DDTHH:MM:SSZ` (no milliseconds), as messages print a reset time. */
export function isoSeconds(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}
