import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cascadeFigures, fallbackFigures, type FallbackSummary } from './chaos-verdicts.js';
import { emptyTally } from './fallback-tally.js';

function summary(failed: number, requests: number, kinds: Record<string, number> = {}): FallbackSummary {
  const total = { ...emptyTally(), requests, failed, complete: requests - failed, failuresByKind: kinds };
  return {
    requested: requests,
    truncated: false,
    total,
    plain: total,
    stream: total,
    circuitOpenSkips: 0,
    injected: { 'A/X': { calls: 1000, fired: 100 } },
    p50Ms: 3,
    p99Ms: 40,
    requestsPerSecond: 500,
  };
}
const row = (rows: ReturnType<typeof fallbackFigures>, name: string) => rows.find((r) => r.figure === name)!;

test('(a) passes at 1 failure in 100,000 and fails at 2', () => {
  assert.equal(row(fallbackFigures(summary(1, 100_000)), '(a) failure rate').pass, true);
  assert.equal(row(fallbackFigures(summary(2, 100_000)), '(a) failure rate').pass, false);
  assert.equal(row(fallbackFigures(summary(0, 0)), '(a) failure rate').pass, false, 'no requests is no pass');
});

test('(a) a truncated run, a silent truncation or a breaker skip each fail their row', () => {
  const cut = { ...summary(0, 100_000), truncated: true };
  assert.equal(row(fallbackFigures(cut), '(a) requests judged').pass, false);
  const silent = summary(1, 100_000, { 'silent-truncation': 1 });
  assert.equal(row(fallbackFigures(silent), '(a) silent truncations + wrong text').pass, false);
  const skipped = { ...summary(0, 100_000), circuitOpenSkips: 3 };
  assert.equal(row(fallbackFigures(skipped), '(a) attempts skipped by an open breaker').pass, false);
});

test('(b) success needs 99 % and the backup peak at most capacity + 10 %', () => {
  const base = {
    offered: 1000,
    complete: 990,
    backupCapacity: 50,
    backupBurst: 10,
    backupPeakPerSecond: 55,
    backupCalls: 900,
    backupRefused: 0,
    primaryCalls: 7,
    failuresByKind: {},
  };
  const rows = cascadeFigures(base);
  assert.equal(rows[0]!.pass, true);
  assert.equal(rows[1]!.pass, true);
  const bad = cascadeFigures({ ...base, complete: 989, backupPeakPerSecond: 56 });
  assert.equal(bad[0]!.pass, false);
  assert.equal(bad[1]!.pass, false);
});
