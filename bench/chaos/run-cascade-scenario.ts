// Scenario (b), the talk's rate-limit cascade: the primary answers every call with 429 for a while, the
// backup has a token-bucket capacity, and many clients offer more than that capacity for part of the time.
// A request succeeds when its 200 carries the whole answer. The backup's peak arrivals per second come from
// the simulator, which counts every call it received, refused or not: a stampede shows there even when the
// retries eventually succeed.
import { Agent } from 'node:http';
import { simulatedReplyText } from '@rampart/simulator';
import { arrivalTimesMs, type RateStage } from './arrival-schedule.js';
import { checkCompletion } from './check-chat-answer.js';
import { CASCADE_MODEL } from './chaos-configs.js';
import type { ProviderStats, SimControl } from '../lib/sim-control.js';
import { emptyTally, record, type FallbackTally } from './fallback-tally.js';
import { parseAttemptsHeader } from './parse-attempts-header.js';
import { promptFor } from './run-fallback-scenario.js';
import { sendChat } from './send-chat.js';

/** Settings of scenario (b). */
export interface CascadeSettings {
  /** How long the primary answers 429 to everything, from the start of the load. */
  primaryDownSeconds: number;
  backupRequestsPerSecond: number;
  backupBurst: number;
  stages: readonly RateStage[];
  clientTimeoutMs: number;
}

/** What scenario (b) measured. */
export interface CascadeResult {
  offered: number;
  tally: FallbackTally;
  wallMs: number;
  /** Simulator figures per provider over the run (requests include refused ones). */
  providers: Record<string, ProviderStats>;
}

/** Runs the cascade against a gateway whose route for CASCADE_MODEL is primary → backup. */
export async function runCascadeScenario(
  gatewayUrl: string,
  sim: SimControl,
  settings: CascadeSettings,
  log: (message: string) => void,
): Promise<CascadeResult> {
  await sim.reset();
  await sim.setCapacity('bedrock', settings.backupRequestsPerSecond, settings.backupBurst);
  await sim.addFaults([
    {
      id: 'cascade-primary-429',
      match: { provider: 'anthropic' },
      // Anthropic's rate-limit 429s carry retry-after; without it the adapter reads a spend limit (not
      // retryable), which the breaker counts as the target answering and so never skips it.
      effect: { type: 'status', status: 429, retryAfterSeconds: 1 },
      when: { untilMs: settings.primaryDownSeconds * 1000 },
    },
  ]);
  const times = arrivalTimesMs(settings.stages);
  log(
    `(b) ${times.length} requests over ${settings.stages.map((s) => `${s.seconds}s@${s.perSecond}/s`).join(' + ')}; primary 429 for ${settings.primaryDownSeconds}s; backup ${settings.backupRequestsPerSecond}/s burst ${settings.backupBurst}`,
  );
  // Many clients: no socket limit, so a slow gateway cannot quietly queue them in our agent.
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const tally = emptyTally();
  const startedAt = performance.now();
  let reported = 0;
  try {
    await Promise.all(
      times.map(async (atMs, i) => {
        const wait = atMs - (performance.now() - startedAt);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const text = promptFor(i);
        const exchange = await sendChat(
          agent,
          `${gatewayUrl}/v1/chat/completions`,
          JSON.stringify({
            model: CASCADE_MODEL,
            messages: [{ role: 'user', content: text }],
            max_tokens: 256,
          }),
          settings.clientTimeoutMs,
        );
        const verdict =
          exchange.status === 0
            ? { kind: 'transport-error' as const, message: exchange.transportError ?? 'no response' }
            : checkCompletion(exchange.status, exchange.body, simulatedReplyText(text));
        const header = exchange.headers['x-rampart-attempts'];
        const attemptsHeader = typeof header === 'string' ? header : '';
        record(tally, i, verdict, parseAttemptsHeader(attemptsHeader), attemptsHeader, exchange.durationMs);
        const second = Math.floor((performance.now() - startedAt) / 5000);
        if (second > reported) {
          reported = second;
          log(`(b) ${tally.requests}/${times.length} answered, ${tally.failed} failed`);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const wallMs = performance.now() - startedAt;
  const providers = await sim.stats();
  await sim.reset();
  return { offered: times.length, tally, wallMs, providers };
}
