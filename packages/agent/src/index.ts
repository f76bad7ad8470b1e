// @rampart/agent: the agent loop, tool guards, the event stream a client sees, threads and durable runs.
export type { AgentEvent, AgentEventBody, NoticeCode } from './agent-events.js';
export type {
  AgentConfig,
  CompletedToolCall,
  GuardState,
  HistoryPruningConfig,
  ModelAttempt,
  ModelCall,
  ModelCallOptions,
  ModelCallSummary,
  ModelClient,
  ModelPrincipal,
  RunAgent,
  RunAgentDeps,
  RunAgentInput,
  RunCheckpoint,
  RunOutcome,
  ToolBreakerState,
  ToolCallOutput,
  ToolHost,
  ToolNotice,
} from './loop/agent-run-types.js';
export { initialCheckpoint } from './loop/agent-run-types.js';
export { runAgent } from './loop/agent-run-agent.js';
