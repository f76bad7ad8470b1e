// @rampart/agent: the agent loop, tool guards, the event stream a client sees, threads and durable runs.
export type { AgentEvent, AgentEventBody, NoticeCode } from './agent-events.js';
