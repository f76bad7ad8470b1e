// Dollar amounts of budgets (exact decimal strings in the Principal) ⇄ nano-USD integers the state store counts.

/**
 * `"5.00"` → 5_000_000_000 nano-USD, exactly; throws on anything but a non-negative decimal with ≤ 9 places. Budgets
 * above 2^53 nano-USD (≈ $9M) are held at that: counters are exact integers only up to there, and no request costs
 * anywhere near it, so such a budget is as good as unlimited.
 */
export function usdToNanos(usd: string): number {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(usd.trim());
  if (!match) throw new RangeError(`"${usd}" is not a USD amount (e.g. "5.00")`);
  const nanos = BigInt(match[1]!) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
  return nanos > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(nanos);
}

/** Nano-USD → `$5.00` (cents; more places only when the amount needs them). */
export function formatUsd(nanos: number | bigint): string {
  const n = BigInt(nanos);
  const cents = n / 10_000_000n;
  if (cents * 10_000_000n === n) return `$${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  const text = `${n / 1_000_000_000n}.${String(n % 1_000_000_000n).padStart(9, '0')}`.replace(/0+$/, '');
  return `$${text}`;
}
