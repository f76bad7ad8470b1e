// The gateway as a deployment runs it: virtual keys (auth on), limits and budgets at key, user and team level
// (in-process state), and the usage ledger (SQLite in the data dir, group-committed). A second Rampart instance
// is started that way and a key with limits at every level is created through its admin API. The limits are set
// far above what the load reaches, so every request is admitted yet every check (rpm, tpm, three budgets × three
// levels) really runs. Its throughput is measured in rounds alternating with the bare gateway's, and printed as
// the share it keeps.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcessGroup } from '../lib/child-process-group.js';
import type { TimedRequest } from '../lib/time-http-request.js';
import { attempt, type Outcome } from '../lib/outcome.js';
import { runLoad, type LoadRequest } from '../lib/run-load.js';
import { runCheckedLoad } from './measure-throughput.js';
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

/** The metered instance's throughput as a share of the bare gateway's, at one connection count. */
export interface MeteredShare {
  connections: number;
  /** Successful requests per second of each round, bare and metered. */
  rounds: Array<{ bare: number; metered: number }>;
  bare: number;
  metered: number;
  /** metered / bare over all rounds. */
  share: number;
}

/** How the share is measured. */
export interface MeteredShareOptions {
  connections: readonly number[];
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
  /**
   * Load the freshly started metered instance serves before any figure: the bare gateway has served the
   * throughput runs already, and a process seconds old (JIT tiers, heap and files still growing) read ~48% in
   * every first round at c=10 against 56-89% in the rounds after.
   */
  settleSeconds: number;
}

/**
 * The share the metered gateway keeps, measured in alternating rounds of bare and metered load (the order
 * flipped every round): other work on a shared machine comes and goes within seconds, and two runs a few
 * seconds apart swung the share between 58% and 84%; alternating, both see the same machine. Each round's
 * requests all count, so the share is total metered requests over total bare requests in equal time.
 */
export async function measureMeteredShare(
  bare: LoadRequest,
  metered: LoadRequest,
  options: MeteredShareOptions,
): Promise<Record<string, Outcome<MeteredShare>>> {
  await runLoad(metered, options.connections[0] ?? 10, options.settleSeconds);
  const out: Record<string, Outcome<MeteredShare>> = {};
  for (const connections of options.connections) {
    out[connections] = await attempt(async () => {
      // Both warmed at this concurrency first: a first round straight after a change of load read 46-58%
      // where the next ones read 71-89% (the metered path has more code to compile and a ledger to start).
      for (const request of [bare, metered]) await runLoad(request, connections, options.warmupSeconds);
      const rounds: MeteredShare['rounds'] = [];
      for (let i = 0; i < options.rounds; i++) {
        const order = i % 2 === 0 ? (['bare', 'metered'] as const) : (['metered', 'bare'] as const);
        const round = { bare: 0, metered: 0 };
        for (const which of order) {
          const result = await runCheckedLoad(
            which === 'bare' ? bare : metered,
            connections,
            options.roundSeconds,
          );
          round[which] = result.successPerSecond;
        }
        rounds.push(round);
      }
      const sum = (which: 'bare' | 'metered') =>
        rounds.reduce((total, r) => total + r[which], 0) / rounds.length;
      return {
        connections,
        rounds,
        bare: sum('bare'),
        metered: sum('metered'),
        share: sum('metered') / sum('bare'),
      };
    });
  }
  return out;
}

/** One line: the metered gateway's throughput beside the bare gateway's in the same rounds, and the share. */
export function renderMeteredLine(shares: Outcome<Record<string, Outcome<MeteredShare>>>): string {
  const title =
    'Rampart with auth + limits + ledger (virtual key, rpm/tpm + 3 budgets × 3 levels, SQLite ledger)';
  if (!shares.ok) return `${title}: n/a (${shares.reason}).`;
  const parts = Object.entries(shares.value).map(([c, outcome]) => {
    if (!outcome.ok) return `c=${c} n/a (${outcome.reason})`;
    const { bare, metered, share, rounds } = outcome.value;
    const each = rounds.map((r) => `${((100 * r.metered) / r.bare).toFixed(0)}`).join('/');
    return `c=${c} ${metered.toFixed(0)} req/s vs bare ${bare.toFixed(0)} = ${(100 * share).toFixed(0)}% (rounds ${each}%)${share >= 0.7 ? '' : ', below the 70% target'}`;
  });
  return `${title}, in alternating rounds with the bare gateway: ${parts.join(', ')}.`;
}
