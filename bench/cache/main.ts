// `npm run bench:cache`: replays (a) the talk's 100-message conversation and (b) a 20-turn agent session through
// the real gateway to the simulator (whose provider cache semantics decide every hit), with caching off, with a
// naive single client breakpoint, and with the gateway's planner; compares each with the oracle (the cheapest
// bill the documented rules allow). Prints the tables and the targets; writes bench/results/cache-*.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createGateway,
  createLogger,
  createPriceBook,
  minimumCacheableTokens,
  simulatedConfig,
} from '@rampart/gateway';
import { createManualClock, startSimulator } from '@rampart/simulator';
import { replayScenario, type CacheMode } from './cache-client.js';
import { oracleCost } from './cache-oracle.js';
import {
  modeFigures,
  oracleFigures,
  renderScenarioTable,
  tallyRun,
  TARGETS,
  type ModeFigures,
} from './cache-report.js';
import { agentSession, talkConversation } from './cache-scenarios.js';

const MODES: CacheMode[] = ['off', 'naive', 'planner-raw', 'planner'];
const PRICED_MODEL = 'claude-sonnet-4-5';
const prices = createPriceBook();

const clock = createManualClock();
const sim = await startSimulator({ clock, seed: 1 });
const gateway = createGateway({
  config: { ...simulatedConfig(sim.url), auth: { required: false } },
  logger: createLogger({ level: 'silent' }),
});
const gatewayUrl = await gateway.listen(0);
const base = simulatedConfig(sim.url);
const rawGateway = createGateway({
  config: { ...base, auth: { required: false }, prompt_cache: { ...base.prompt_cache, canonicalize: false } },
  logger: createLogger({ level: 'silent' }),
});
const rawGatewayUrl = await rawGateway.listen(0);

const results = [];
const checks: Array<{ target: string; value: string; pass: boolean }> = [];
try {
  for (const scenario of [talkConversation(), agentSession()]) {
    const figures = new Map<CacheMode, ModeFigures>();
    const runs = new Map<CacheMode, Awaited<ReturnType<typeof replayScenario>>>();
    for (const mode of MODES) {
      sim.reset(); // a cold provider cache for every run
      runs.set(
        mode,
        await replayScenario(scenario, mode, { gatewayUrl, rawGatewayUrl, sim, clock, stepMs: 20_000 }),
      );
    }
    const off = tallyRun(runs.get('off')!, PRICED_MODEL, prices);
    for (const mode of MODES)
      figures.set(
        mode,
        modeFigures(tallyRun(runs.get(mode)!, PRICED_MODEL, prices), off, PRICED_MODEL, prices),
      );
    // The oracle prices the planner run's canonical prompts (their size does not depend on breakpoints).
    const planned = runs.get('planner')!;
    const oracle = oracleCost(
      planned.map((u) => ({ promptTokens: u.input + u.read + u.write, outputTokens: u.output })),
      PRICED_MODEL,
      prices,
      minimumCacheableTokens(PRICED_MODEL),
    );
    const oracleRow = oracleFigures(oracle, off, figures.get('planner')!.outputTokens, PRICED_MODEL, prices);

    console.log(`\n${scenario.title} — ${scenario.turns.length} requests, ${scenario.model}`);
    console.log(
      renderScenarioTable(
        [...MODES.map((m) => [m, figures.get(m)!] as [CacheMode, ModeFigures]), ['oracle', oracleRow]],
        oracleRow,
      ),
    );

    const planner = figures.get('planner')!;
    const overOracle = Number(planner.inputCostNanos) / Number(oracleRow.inputCostNanos) - 1;
    checks.push(
      {
        target: `${scenario.id}: planner hit rate ≥ 90%`,
        value: `${(planner.hitRate * 100).toFixed(1)}%`,
        pass: planner.hitRate >= TARGETS.minHitRate,
      },
      {
        target: `${scenario.id}: planner input cost within 5% of the oracle`,
        value: `+${(overOracle * 100).toFixed(2)}%`,
        pass: overOracle <= TARGETS.maxOverOracle,
      },
    );
    if (scenario.id === 'talk-100-messages')
      checks.push({
        target: `${scenario.id}: input savings ≥ the talk's 56%`,
        value: `${(planner.inputSavings * 100).toFixed(1)}%`,
        pass: planner.inputSavings >= TARGETS.minTalkSavings,
      });
    results.push({
      id: scenario.id,
      title: scenario.title,
      model: scenario.model,
      requests: scenario.turns.length,
      modes: Object.fromEntries([...figures].map(([m, f]) => [m, f])),
      oracle: oracleRow,
      perTurn: Object.fromEntries([...runs]),
    });
  }
} finally {
  await gateway.close();
  await rawGateway.close();
  await sim.close();
}

console.log('\nTargets');
for (const c of checks) console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.target}: ${c.value}`);

const report = {
  bench: 'cache',
  generatedAt: new Date().toISOString(),
  node: process.version,
  pricedAs: PRICED_MODEL,
  notes: [
    'Tokens are the simulator’s (ceil(characters / 4) per block); costs in nano-USD at list prices.',
    'hit rate = cache-read tokens / all input tokens; savings against the same run with caching off.',
    'Clients re-render tool results each request (fresh timestamp, duration, request id), as in the talk.',
  ],
  scenarios: results,
  targets: checks,
};
const dir = resolve(import.meta.dirname, '../results');
mkdirSync(dir, { recursive: true });
const json = JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
const stamp = report.generatedAt.replace(/[:.]/g, '-');
writeFileSync(resolve(dir, `cache-${stamp}.json`), json);
writeFileSync(resolve(dir, 'cache-latest.json'), json);
console.log(`\nWrote bench/results/cache-${stamp}.json and cache-latest.json`);
process.exitCode = checks.every((c) => c.pass) ? 0 : 1;
