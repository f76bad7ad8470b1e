// The seam between the agent loop and whoever runs it (the threads/runs service, the demo, tests). The runner
// owns persistence, event numbering and queues; the loop owns model calls, tool calls and guards. Everything the
// loop needs to pick a run up again after a crash is in RunCheckpoint, which is plain JSON.
import type {
  ChatRequest,
  ImagePart,
  Message,
  StreamEvent,
  TextPart,
  ToolDefinition,
  Usage,
} from '@rampart/spec';
import type { Clock } from '@rampart/resilience';
import type { AgentEventBody, NoticeCode } from '../agent-events.js';

/** The result of a tool call that already ran, kept so a resumed run never runs it again. */
export interface CompletedToolCall {
  tool: string;
  content: Array<TextPart | ImagePart>;
  isError: boolean;
}

/** One tool's breaker, per run: consecutive failures and, while blocked, until when (epoch ms). */
export interface ToolBreakerState {
  consecutiveFailures: number;
  openUntil?: number;
}

/** What the guards remember between steps. */
export interface GuardState {
  /** Fingerprints (tool + canonical arguments) of recent executed tool calls, oldest first, with their step. */
  recentCalls: Array<{ fingerprint: string; step: number }>;
  /** Tool name → breaker. */
  toolBreakers: Record<string, ToolBreakerState>;
}

/** Everything needed to continue a run where it stopped. JSON-serializable; saved after every model call and tool result. */
export interface RunCheckpoint {
  /** The canonical conversation so far, including this run's assistant turns and tool results. */
  messages: Message[];
  /** Model steps completed (a step = one model call and the tool calls it asked for). */
  steps: number;
  /** Cost of this run so far in nano-USD, as a decimal integer string. */
  costNanos: string;
  /**
   * Tool calls already executed, by tool call id. The last assistant turn's calls that appear here are not run
   * again on resume; those missing are.
   */
  toolResults: Record<string, CompletedToolCall>;
  guards: GuardState;
  /** Streaming failed with overload earlier in this run: model calls go non-streaming and the notice was sent. */
  streamingDegraded: boolean;
  /** Runner-owned: the last event seq stored when this checkpoint was saved (what a resume supersedes after). */
  eventSeq?: number;
}

/** A fresh checkpoint for a run that starts from `messages` (the thread's history plus the new user message). */
export function initialCheckpoint(messages: Message[]): RunCheckpoint {
  return {
    messages,
    steps: 0,
    costNanos: '0',
    toolResults: {},
    guards: { recentCalls: [], toolBreakers: {} },
    streamingDegraded: false,
  };
}

/** Who a model call is made for, as the gateway's authentication returned it; the loop passes it through. */
export interface ModelPrincipal {
  keyId: string;
  userId: string;
  teamId: string;
}

/** How one model call is made. */
export interface ModelCallOptions {
  stream: boolean;
  principal?: ModelPrincipal;
  threadId: string;
  /** Unique per model call; the gateway logs it and the ledger keys on it. */
  requestId: string;
  signal: AbortSignal;
}

/** One target the gateway tried for a model call (same meaning as the gateway's RouteAttempt). */
export interface ModelAttempt {
  provider: string;
  model: string;
  outcome: 'served' | 'failed' | 'skipped';
  /** Error code of a failure, `circuit_open` for a skip. */
  reason?: string;
  status?: number;
}

/** What a model call reports once its events are consumed. */
export interface ModelCallSummary {
  usage: Usage;
  /** Cost of the call in nano-USD, as a decimal integer string. */
  costNanos: string;
}

/**
 * A model call in progress. `events` yields canonical stream events (a non-streamed call yields the same
 * events synthesized from the whole answer) and throws a RampartError if the call fails mid-way. `summary()`
 * is valid once `events` finished without throwing.
 */
export interface ModelCall {
  /** The provider and upstream model that serve this call. */
  provider: string;
  model: string;
  /** Every target tried, in order, the serving one last. */
  attempts: ModelAttempt[];
  events: AsyncIterable<StreamEvent>;
  summary(): ModelCallSummary;
}

/** Makes model calls. Rejects (RampartError) when no target could start the call, e.g. budget_exceeded. */
export interface ModelClient {
  call(request: ChatRequest, options: ModelCallOptions): Promise<ModelCall>;
}

/** Something the tool side wants the user told, e.g. the sandbox restarted and lost its state. */
export interface ToolNotice {
  code: NoticeCode;
  message: string;
}

/** What a tool call returned. */
export interface ToolCallOutput {
  content: Array<TextPart | ImagePart>;
  isError: boolean;
  notices: ToolNotice[];
}

/** The tools one thread's agent may call (already bound to that thread's sandbox). */
export interface ToolHost {
  listTools(signal?: AbortSignal): Promise<ToolDefinition[]>;
  /** Never throws for a tool's own failure (that is isError); throws only if cancelled. */
  callTool(name: string, input: unknown, signal: AbortSignal): Promise<ToolCallOutput>;
}

/** Keep the first N and last M messages, summarize the middle through the model, once history is longer than `above`. */
export interface HistoryPruningConfig {
  /** Prune when the conversation has more than this many messages. */
  above: number;
  keepFirst: number;
  keepLast: number;
}

/** How an agent behaves. */
export interface AgentConfig {
  /** The model name asked of the gateway (routing decides the upstream). */
  model: string;
  system?: string;
  maxTokens?: number;
  temperature?: number;
  /** Stop after this many model steps. */
  maxSteps: number;
  /** Stop once this run cost this much, USD as an exact decimal string, e.g. "0.50". */
  maxCostUsd?: string;
  /** Stream model calls (until an overload degrades the run). Default true. */
  stream?: boolean;
  pruning?: HistoryPruningConfig;
  /** Identical tool calls within this many steps are refused. Default 10. */
  duplicateWindowSteps?: number;
  /** Failures in a row that block a tool. Default 3. */
  toolBreakerFailures?: number;
  /** How long a broken tool stays blocked. Default 300 000 ms. */
  toolBreakerBlockMs?: number;
}

/** Which run this is and where it starts from. */
export interface RunAgentInput {
  runId: string;
  threadId: string;
  userId: string;
  principal?: ModelPrincipal;
  checkpoint: RunCheckpoint;
  /** The run already streamed events (another worker started it): the loop does not announce it again. */
  resumed?: boolean;
  signal: AbortSignal;
}

/** What the loop needs from its runner. */
export interface RunAgentDeps {
  model: ModelClient;
  tools: ToolHost;
  config: AgentConfig;
  /** Delivers one event to the run's stream (the runner numbers and stores it). */
  emit(body: AgentEventBody): Promise<void>;
  /** Persists the checkpoint; the loop awaits it before moving on. */
  saveCheckpoint(checkpoint: RunCheckpoint): Promise<void>;
  clock: Clock;
}

/** How a run ended. `done`/`error` was already emitted (except for `cancelled`, which emits nothing). */
export type RunOutcome =
  | { status: 'completed'; checkpoint: RunCheckpoint; text: string }
  | { status: 'failed'; checkpoint: RunCheckpoint; code: string; message: string }
  | { status: 'cancelled'; checkpoint: RunCheckpoint };

/**
 * Runs (or resumes) an agent run until done, error or cancel. If `emit` or `saveCheckpoint` throws, the run stops
 * at once and runAgent rejects with that error (the runner lost its store or its lease; another worker resumes).
 */
export type RunAgent = (input: RunAgentInput, deps: RunAgentDeps) => Promise<RunOutcome>;
