// The gateway as a deployment runs it: virtual keys (auth on), limits and budgets at key, user and team level
// (in-process state), and the usage ledger (SQLite in the data dir, group-committed). A second Rampart instance
// is started that way and a key with limits at every level is created through its admin API; its throughput is
// measured like the bare gateway's and printed beside it. The limits are set far above what the load reaches, so
// every request is admitted yet every check (rpm, tpm, three budgets × three levels) really runs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcessGroup } from '../lib/child-process-group.js';
import type { TimedRequest } from '../lib/time-http-request.js';
import { startRampartProcess, type StartedSystem } from './gateway-systems.js';

/** The metered instance and the key the load uses. */
export interface MeteredRampart extends StartedSystem {
  /** The virtual key's secret (rk_…). */
  secret: string;
}

const LIMITS = {
  requests_per_minute: 10_000_000,
  tokens_per_minute: 1_000_000_000,
  tokens_per_hour: 1_000_000_000,
  usd_per_day: '100000',
  usd_per_month: '1000000',
};

/** Starts Rampart with auth, limits and the ledger on, and creates a team, user and key with limits. */
export async function startMeteredRampart(
  group: ChildProcessGroup,
  repoRoot: string,
  workDir: string,
  simulatorUrl: string,
  logLevel: string | undefined,
): Promise<MeteredRampart> {
  const name = 'rampart-metered';
  const started = await startRampartProcess(group, repoRoot, workDir, simulatorUrl, logLevel, {
    name,
    breaker: {},
    auth: true,
  });
  const token = (await readFile(join(workDir, `${name}-data`, 'admin-token'), 'utf8')).trim();
  const admin = async (path: string, body: unknown) => {
    const response = await fetch(`${started.url}/admin/v1/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`admin ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const team = await admin('teams', { name: 'bench', limits: LIMITS });
  const user = await admin('users', { team_id: team.id, name: 'bench-user', limits: LIMITS });
  const key = await admin('keys', { user_id: user.id, name: 'bench-key', limits: LIMITS });
  return { ...started, secret: String(key.secret) };
}

/** The bare gateway's request, sent to the metered instance with its virtual key. */
export function meteredRequest(bare: TimedRequest, metered: MeteredRampart): TimedRequest {
  return {
    ...bare,
    url: bare.url.replace(/^https?:\/\/[^/]+/, metered.url),
    headers: { ...bare.headers, authorization: `Bearer ${metered.secret}` },
  };
}

type Throughput =
  | { ok: true; value: { runs: Record<string, { ok: boolean; value?: { successPerSecond: number } }> } }
  | { ok: false; reason: string };

/** One line: the metered instance's throughput beside the bare gateway's, and the share it keeps. */
export function renderMeteredLine(
  bare: Throughput,
  metered: Throughput,
  connections: readonly number[],
): string {
  if (!metered.ok) return `Rampart with auth + limits + ledger: n/a (${metered.reason}).`;
  const parts = connections.map((c) => {
    const m = metered.value.runs[c];
    const b = bare.ok ? bare.value.runs[c] : undefined;
    if (!m?.ok || m.value === undefined) return `c=${c} n/a`;
    const rate = m.value.successPerSecond;
    if (!b?.ok || b.value === undefined) return `c=${c} ${rate.toFixed(0)} req/s`;
    const share = (100 * rate) / b.value.successPerSecond;
    return `c=${c} ${rate.toFixed(0)} req/s vs bare ${b.value.successPerSecond.toFixed(0)} (${share.toFixed(0)}%${share >= 70 ? '' : ', below the 70% target'})`;
  });
  return `Rampart with auth + limits + ledger (virtual key, rpm/tpm + 3 budgets × 3 levels, SQLite ledger): ${parts.join(', ')}.`;
}
