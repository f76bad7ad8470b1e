// Runs the loop without a store: events and checkpoints kept in memory. For tests, the demo and benchmarks; the
// threads service runs the same loop with durable events and checkpoints.
import { randomUUID } from 'node:crypto';
import type { Message } from '@rampart/spec';
import { systemClock, type Clock } from '@rampart/resilience';
import type { AgentEvent } from '../agent-events.js';
import { runAgent } from './agent-run-agent.js';
import {
  initialCheckpoint,
  type AgentConfig,
  type ModelClient,
  type ModelPrincipal,
  type RunCheckpoint,
  type RunOutcome,
  type ToolHost,
} from './agent-run-types.js';

/** What a run in memory needs; a checkpoint resumes, messages start fresh. */
export interface InMemoryRunOptions {
  model: ModelClient;
  tools: ToolHost;
  config: AgentConfig;
  messages?: Message[];
  checkpoint?: RunCheckpoint;
  runId?: string;
  threadId?: string;
  userId?: string;
  principal?: ModelPrincipal;
  clock?: Clock;
  signal?: AbortSignal;
  /** Called for each event as it is emitted (e.g. to print it). */
  onEvent?: (event: AgentEvent) => void | Promise<void>;
  /** Called with each saved checkpoint; throwing here simulates a crash at that point. */
  onCheckpoint?: (checkpoint: RunCheckpoint) => void | Promise<void>;
}

/** A finished in-memory run. */
export interface InMemoryRun {
  outcome: RunOutcome;
  events: AgentEvent[];
  checkpoints: RunCheckpoint[];
}

/** Runs the agent loop to its end, recording every event and checkpoint. */
export async function runAgentInMemory(options: InMemoryRunOptions): Promise<InMemoryRun> {
  const clock = options.clock ?? systemClock;
  const events: AgentEvent[] = [];
  const checkpoints: RunCheckpoint[] = [];
  const outcome = await runAgent(
    {
      runId: options.runId ?? randomUUID(),
      threadId: options.threadId ?? 'thread-1',
      userId: options.userId ?? 'user-1',
      ...(options.principal ? { principal: options.principal } : {}),
      checkpoint: options.checkpoint ?? initialCheckpoint(options.messages ?? []),
      signal: options.signal ?? new AbortController().signal,
    },
    {
      model: options.model,
      tools: options.tools,
      config: options.config,
      clock,
      async emit(body) {
        const event = { ...body, seq: events.length + 1, at: clock.now() };
        events.push(event);
        await options.onEvent?.(event);
      },
      async saveCheckpoint(checkpoint) {
        await options.onCheckpoint?.(checkpoint);
        checkpoints.push(JSON.parse(JSON.stringify(checkpoint)) as RunCheckpoint);
      },
    },
  );
  return { outcome, events, checkpoints };
}

/** A user message from text. */
export function userText(text: string): Message {
  return { role: 'user', content: [{ type: 'text', text }] };
}
