// @rampart/simulator: high-fidelity OpenAI, Anthropic and Bedrock simulators with faults, scripted replies,
// capacity limits and real prompt-cache semantics.
export { startSimulator } from './start-simulator.js';
export type { Simulator, SimulatorOptions } from './start-simulator.js';
export { createManualClock, systemClock } from './core/clock.js';
export type { Clock, ManualClock } from './core/clock.js';
export type { BedrockCredentials } from './core/sim-state.js';
export type { FaultRule, FaultEffect, FaultWhen, ActiveFaultRule } from './faults/fault-rules.js';
export type { ScriptedResponse, ScriptedToolCall, SimStopReason } from './script/scripted-response.js';
export type { CapacityLimit } from './capacity/token-bucket.js';
export type { RecordedRequest, RequestOutcome, SimulatorStats, ProviderStats } from './log/request-log.js';
export { defaultModels } from './model/model-catalog.js';
export type { SimModel, ProviderName } from './model/model-catalog.js';
export { simulatedReplyText, simulatedToolResultReplyText } from './model/plan-reply.js';
export { countTokens, IMAGE_TOKENS } from './prompt/token-count.js';
