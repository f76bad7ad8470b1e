import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from '../lib/summarize-samples.js';
import type { LoadResult } from '../lib/run-load.js';
import { checkGatewayTargets } from './check-gateway-targets.js';
import type { GatewayBenchRun, SystemFigures } from './gateway-results.js';
import { renderGatewayTable } from './render-gateway-table.js';

const MB = 1024 * 1024;
const load = (successPerSecond: number): LoadResult => ({
  connections: 10,
  durationSeconds: 8,
  successPerSecond,
  ok: successPerSecond * 8,
  non2xx: 0,
  errors: 0,
  latencyP50Ms: 1,
  latencyP99Ms: 2,
  statusCodes: { 200: successPerSecond * 8 },
});
const paired = (added: number[]) => ({
  rounds: added.length,
  truncated: false,
  baseline: summarize([1]),
  system: summarize([2]),
  added: summarize(added),
});

const rampart: SystemFigures = {
  started: { ok: true, value: { pid: 1, url: 'http://127.0.0.1:1' } },
  throughput: {
    ok: true,
    value: {
      runs: { 10: { ok: true, value: load(5000) }, 50: { ok: true, value: load(3000) } },
      idleRssBytes: 60 * MB,
      peakRssBytes: 90 * MB,
    },
  },
  latency: { ok: true, value: paired([0.2, 0.25, 2]) },
  streamTtfb: { ok: true, value: paired([1.5]) },
  fallback: { ok: false, reason: 'does not fall back to the secondary (status 503)' },
};
const portkey: SystemFigures = {
  started: { ok: true, value: { pid: 2, url: 'http://127.0.0.1:2' } },
  throughput: {
    ok: true,
    value: {
      runs: { 10: { ok: true, value: load(400) }, 50: { ok: true, value: load(400) } },
      idleRssBytes: 75 * MB,
      peakRssBytes: 190 * MB,
    },
  },
};

test('each target passes, fails or is n/a from Rampart’s figures', () => {
  const verdicts = Object.fromEntries(checkGatewayTargets(rampart, portkey, [10, 50]).map((t) => [t.id, t]));
  assert.equal(verdicts['throughput-c10']?.status, 'pass'); // 12.5×
  assert.equal(verdicts['throughput-c10']?.value, 12.5);
  assert.equal(verdicts['throughput-c50']?.status, 'fail'); // 7.5×
  assert.equal(verdicts['added-latency-p50']?.status, 'pass'); // 0.25
  assert.equal(verdicts['added-latency-p99']?.status, 'fail'); // 2
  assert.equal(verdicts['stream-ttfb-added']?.status, 'fail'); // 1.5
  assert.equal(verdicts['failover-added']?.status, 'n/a');
  assert.match(verdicts['failover-added']?.reason ?? '', /does not fall back/);
  assert.equal(verdicts['rss-under-load']?.status, 'pass');
});

test('a gateway that did not run makes its targets n/a, never pass', () => {
  const down: SystemFigures = {
    started: { ok: false, reason: 'exited' },
    throughput: { ok: false, reason: 'did not start' },
  };
  for (const verdict of checkGatewayTargets(down, portkey, [10]))
    assert.equal(verdict.status, 'n/a', verdict.id);
});

test('the table puts systems side by side with ratios, verdicts and n/a notes', () => {
  const run = {
    settings: { connections: [10, 50] },
    systems: { simulator: { started: rampart.started, throughput: rampart.throughput }, rampart, portkey },
    targets: checkGatewayTargets(rampart, portkey, [10, 50]),
  } as unknown as GatewayBenchRun;
  const text = renderGatewayTable(run);
  const row = (label: string) => text.split('\n').find((line) => line.startsWith(label)) ?? '';
  assert.match(row('throughput c=10 (req/s)'), /5,000\s+5,000\s+400\s+12\.5×\s+≥ 10× Portkey\s+PASS$/);
  assert.match(row('added latency c=1 p99 (ms)'), /—\s+2\.000\s+—\s+—\s+≤ 1\.5 ms\s+FAIL$/);
  assert.match(row('fallback added p50 (ms)'), /n\/a \[\d\]/);
  assert.match(text, /\] rampart: does not fall back to the secondary \(status 503\)/);
  assert.match(row('peak RSS under load (MB)'), /90\s+90\s+190\s+0\.47×/);
});
