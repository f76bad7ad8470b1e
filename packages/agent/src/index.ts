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
export { createAgentToolHost } from './tools/agent-tool-host.js';
export type { AgentMcpServerConfig, AgentToolHostOptions } from './tools/agent-tool-host.js';
export { createGatewayModel } from './model/agent-gateway-model.js';
export type { GatewayModelOptions } from './model/agent-gateway-model.js';
export { createHttpGatewayModel, parseAttempts } from './model/agent-http-gateway-model.js';
export type { HttpGatewayModelOptions } from './model/agent-http-gateway-model.js';
export { runDemo } from './demo/agent-demo.js';
export type { DemoOptions, DemoResult } from './demo/agent-demo.js';
export { gatewayAgents } from './runs/gateway-agent-factory.js';
export type { GatewayAgentsOptions } from './runs/gateway-agent-factory.js';
export { startAgentRuntime } from './runs/start-agent-runtime.js';
export type { AgentRuntime, AgentRuntimeOptions } from './runs/start-agent-runtime.js';
export { createRunService } from './runs/run-service.js';
export type { PostMessageResult, RunService, RunServiceOptions, ThreadsCaller } from './runs/run-service.js';
export { createRunExecutor, CANCELLED_EVENT_BODY } from './runs/run-executor.js';
export type {
  AgentFactory,
  RunAgentSetup,
  RunExecution,
  RunExecutor,
  RunExecutorOptions,
  RunIdentity,
  RunLog,
} from './runs/run-executor.js';
export { startRunWorker } from './runs/run-worker.js';
export type { RunWorker, RunWorkerOptions } from './runs/run-worker.js';
export type { RunQueue } from './runs/run-queue.js';
export { createInProcessRunQueue } from './runs/in-process-run-queue.js';
export type { InProcessRunQueueOptions } from './runs/in-process-run-queue.js';
export { createBullmqRunQueue } from './runs/bullmq-run-queue.js';
export type { BullmqRunQueueOptions } from './runs/bullmq-run-queue.js';
export { createInProcessRunSignals } from './runs/run-signals.js';
export type { EventsStoredListener, RunSignals } from './runs/run-signals.js';
export { createRedisRunSignals } from './runs/redis-run-signals.js';
export type { RedisRunSignalsOptions } from './runs/redis-run-signals.js';
export { LeaseLostError } from './runs/run-event-writer.js';
export { createThreadsRoutes } from './http/threads-routes.js';
export type {
  ThreadsAuthenticate,
  ThreadsPrincipal,
  ThreadsRoutes,
  ThreadsRoutesOptions,
} from './http/threads-routes.js';
export { ThreadsApiError } from './http/threads-api-error.js';
export type { ThreadsApiErrorCode } from './http/threads-api-error.js';
