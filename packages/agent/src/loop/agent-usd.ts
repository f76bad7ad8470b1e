// Money in the loop is exact: nano-USD as bigint, carried in checkpoints and events as decimal strings.

const NANOS_PER_USD = 1_000_000_000n;
const USD = /^(\d+)(?:\.(\d{1,9}))?$/;

/** Parses an exact USD decimal string ("0.50") into nano-USD; throws on anything else. */
export function usdToNanos(usd: string): bigint {
  const match = USD.exec(usd.trim());
  if (!match) throw new Error(`not a USD amount: ${JSON.stringify(usd)} (expected e.g. "0.50")`);
  const whole = BigInt(match[1] ?? '0');
  const fraction = BigInt((match[2] ?? '').padEnd(9, '0'));
  return whole * NANOS_PER_USD + fraction;
}

/** Formats nano-USD as a USD decimal string with at least 2 and at most 9 decimals ("0.004215"). */
export function nanosToUsd(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  const whole = abs / NANOS_PER_USD;
  let fraction = (abs % NANOS_PER_USD).toString().padStart(9, '0').replace(/0+$/, '');
  if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
  return `${sign}${whole}.${fraction}`;
}
