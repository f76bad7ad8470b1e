// The agents of a deployment (`rampart start`, a worker process): every run's model calls go through the gateway
// in this process (gateway.chat: routing, limits and budgets of the run's user, ledger, prompt cache), and its tools
// are its thread's notebook plus the configured MCP servers. One setup per run; its MCP sessions close with it.
import type { Gateway, Principal } from '@rampart/gateway';
import type { SandboxManager } from '@rampart/sandbox';
import type { AgentConfig, ModelPrincipal } from '../loop/agent-run-types.js';
import { createGatewayModel } from '../model/agent-gateway-model.js';
import { createAgentToolHost, type AgentMcpServerConfig } from '../tools/agent-tool-host.js';
import type { AgentFactory } from './run-executor.js';

/** What gateway-backed agents are made of. */
export interface GatewayAgentsOptions {
  gateway: Pick<Gateway, 'chat'>;
  config: AgentConfig;
  /** The whole gateway Principal of a run's caller (tenancy.principalOfKey); absent with auth off. */
  resolvePrincipal?: (principal: ModelPrincipal) => Promise<Principal>;
  /** The notebook service's sandbox manager; absent: runs get no notebook tool. */
  notebook?: SandboxManager;
  mcpServers?: readonly AgentMcpServerConfig[];
  /** Awaited before each setup (e.g. until the gateway and notebooks are up when runs are recovered at start). */
  ready?: Promise<unknown>;
}

/** An AgentFactory whose runs call models through gateway.chat and tools through MCP. */
export function gatewayAgents(options: GatewayAgentsOptions): AgentFactory {
  const model = createGatewayModel(
    options.gateway,
    options.resolvePrincipal === undefined ? {} : { resolvePrincipal: options.resolvePrincipal },
  );
  return async (run) => {
    await options.ready;
    const tools = await createAgentToolHost({
      threadId: run.threadId,
      userId: run.userId,
      ...(options.notebook === undefined ? {} : { notebook: options.notebook }),
      ...(options.mcpServers === undefined ? {} : { mcpServers: options.mcpServers }),
    });
    return { model, tools, config: options.config, close: () => tools.close() };
  };
}
