// Scenario (a): requests over the talk's 4-level fallback while every target fails independently at one rate.
// Two phases with the same per-target rate: plain calls (429 / 5xx / resets), then streams (the same plus
// cuts before and after content and in-band errors). Each request is judged from what the client received.
import { Agent } from 'node:http';
import { simulatedReplyText } from '@rampart/simulator';
import { checkChatStream, checkCompletion } from './check-chat-answer.js';
import { CALL_FAULTS, STREAM_FAULTS, faultRulesFor, type FaultEffect } from './chaos-fault-mix.js';
import { FALLBACK_MODEL, FOUR_LEVEL_TARGETS } from './chaos-configs.js';
import type { SimControl } from '../lib/sim-control.js';
import { emptyTally, record, type FallbackTally } from './fallback-tally.js';
import { parseAttemptsHeader } from './parse-attempts-header.js';
import { runClosedLoop, type ClosedLoopRun } from './run-closed-loop.js';
import { sendChat } from './send-chat.js';

/** Settings of scenario (a). */
export interface FallbackSettings {
  requests: number;
  /** Share of requests sent as streams (the second phase). */
  streamShare: number;
  failureRate: number;
  concurrency: number;
  /** Time limit per phase. */
  maxSecondsPerPhase: number;
  clientTimeoutMs: number;
}

/** One phase's figures. */
export interface FallbackPhase {
  name: 'plain' | 'stream';
  run: ClosedLoopRun;
  tally: FallbackTally;
  /** Per target: calls the simulator saw and how many fault draws fired on them. */
  injected: Record<string, { calls: number; fired: number }>;
}

/** A prompt unique to the request, long enough for a reply of several stream deltas. */
export function promptFor(index: number): string {
  return `Request ${index}: summarise the quarterly figures for the northern region in three short sentences please`;
}

/** Runs both phases against a gateway whose route for FALLBACK_MODEL is the four-level fallback. */
export async function runFallbackScenario(
  gatewayUrl: string,
  sim: SimControl,
  settings: FallbackSettings,
  log: (message: string) => void,
): Promise<FallbackPhase[]> {
  const streamed = Math.round(settings.requests * settings.streamShare);
  const phases: Array<{ name: FallbackPhase['name']; count: number; effects: readonly FaultEffect[] }> = [
    { name: 'plain', count: settings.requests - streamed, effects: CALL_FAULTS },
    { name: 'stream', count: streamed, effects: [...CALL_FAULTS, ...STREAM_FAULTS] },
  ];
  const agent = new Agent({ keepAlive: true, maxSockets: settings.concurrency });
  const results: FallbackPhase[] = [];
  let offset = 0;
  try {
    for (const phase of phases) {
      await sim.clearFaults();
      const rules = faultRulesFor(FOUR_LEVEL_TARGETS, phase.effects, settings.failureRate);
      await sim.addFaults(rules);
      log(
        `(a) ${phase.name}: ${phase.count} requests, ${settings.concurrency} in flight, ${phase.effects.length} fault kinds`,
      );
      const tally = emptyTally();
      const base = offset;
      const stream = phase.name === 'stream';
      const progressEvery = Math.max(1, Math.round(phase.count / 5));
      const run = await runClosedLoop(
        phase.count,
        settings.concurrency,
        settings.maxSecondsPerPhase * 1000,
        async (i) => {
          const index = base + i;
          const text = promptFor(index);
          const body = JSON.stringify({
            model: FALLBACK_MODEL,
            messages: [{ role: 'user', content: text }],
            max_tokens: 256,
            ...(stream ? { stream: true } : {}),
          });
          const exchange = await sendChat(
            agent,
            `${gatewayUrl}/v1/chat/completions`,
            body,
            settings.clientTimeoutMs,
          );
          const expected = simulatedReplyText(text);
          const verdict =
            exchange.status === 0
              ? { kind: 'transport-error' as const, message: exchange.transportError ?? 'no response' }
              : stream
                ? checkChatStream(exchange.status, exchange.body, expected)
                : checkCompletion(exchange.status, exchange.body, expected);
          const header = exchange.headers['x-rampart-attempts'];
          const attemptsHeader = typeof header === 'string' ? header : '';
          record(
            tally,
            index,
            verdict,
            parseAttemptsHeader(attemptsHeader),
            attemptsHeader,
            exchange.durationMs,
          );
          if ((i + 1) % progressEvery === 0)
            log(`(a) ${phase.name}: ${i + 1}/${phase.count}, ${tally.failed} failed so far`);
        },
      );
      offset += phase.count;
      results.push({ name: phase.name, run, tally, injected: injectedByTarget(await sim.listFaults()) });
    }
  } finally {
    await sim.clearFaults();
    agent.destroy();
  }
  return results;
}

/** Sums the rules' counters per target label (rule ids are `chaos-<label>-…`). */
function injectedByTarget(
  rules: ReadonlyArray<{ id: string; matched: number; fired: number }>,
): Record<string, { calls: number; fired: number }> {
  const out: Record<string, { calls: number; fired: number }> = {};
  for (const target of FOUR_LEVEL_TARGETS) {
    const own = rules.filter((r) => r.id.startsWith(`chaos-${target.label}-`));
    // Every rule of a target matches every call to it, so any one rule's `matched` is the call count.
    out[target.label] = {
      calls: own[0]?.matched ?? 0,
      fired: own.reduce((sum, r) => sum + r.fired, 0),
    };
  }
  return out;
}
