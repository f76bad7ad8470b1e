// @rampart/agent/testing: scripted agents, a counting tool, an SSE reader and a threads API test server, for the
// package's own tests and the agent load bench.
export { stepOf, stepScriptedModel } from './runs-step-scripted-model.js';
export type { StepScriptedModelOptions } from './runs-step-scripted-model.js';
export { countingTools } from './runs-counting-tools.js';
export { readRunEvents } from './runs-sse-client.js';
export type { ReadRunEventsOptions, ReceivedEvent } from './runs-sse-client.js';
export { SCRIPTED_AGENT_CONFIG, startThreadsTestServer, testAuthenticate } from './runs-test-server.js';
export type { ThreadsTestServer } from './runs-test-server.js';
