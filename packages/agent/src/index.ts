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
export { runAgentInMemory, userText } from './loop/agent-run-in-memory.js';
export type { InMemoryRun, InMemoryRunOptions } from './loop/agent-run-in-memory.js';
export { nanosToUsd, usdToNanos } from './loop/agent-usd.js';
export { canonicalArguments, toolCallFingerprint } from './guards/agent-canonical-arguments.js';
export { ScriptedModel, overloadedError } from './model/agent-scripted-model.js';
export type { RecordedModelCall, ScriptedTurn } from './model/agent-scripted-model.js';
export { createMcpToolHost } from './tools/agent-mcp-tool-host.js';
export type { ConnectableMcpServer, McpServerSource, McpToolHost } from './tools/agent-mcp-tool-host.js';
