// The tools an agent gets: its thread's notebook (in-process MCP, no socket) by default, plus the Streamable HTTP
// MCP servers its configuration names.
import type { SandboxManager } from '@rampart/sandbox';
import { createMcpToolHost, type McpServerSource, type McpToolHost } from './agent-mcp-tool-host.js';

/** An MCP server an agent is configured with. */
export interface AgentMcpServerConfig {
  /** Short name; prefixes a tool whose name another server already uses (`<name>__<tool>`). */
  name: string;
  /** Streamable HTTP endpoint. */
  url: string;
  headers?: Record<string, string>;
}

/** Which tools one thread's agent gets. */
export interface AgentToolHostOptions {
  threadId: string;
  userId?: string;
  /** The sandbox manager serving the thread's notebook; omit for an agent without a notebook. */
  notebook?: SandboxManager;
  mcpServers?: readonly AgentMcpServerConfig[];
}

/** Connects the agent's MCP servers and returns one ToolHost over them; close() when the run ends. */
export async function createAgentToolHost(options: AgentToolHostOptions): Promise<McpToolHost> {
  const sources: McpServerSource[] = [];
  if (options.notebook) {
    // The sandbox package (its MCP server, Ajv, the kernel client) loads with the first notebook an agent gets:
    // the gateway process embeds the agent runtime but, without notebooks, never needs it (~4 MB resident).
    const { createNotebookMcpServer } = await import('@rampart/sandbox');
    const server = createNotebookMcpServer({
      manager: options.notebook,
      threadId: options.threadId,
      ...(options.userId === undefined ? {} : { userId: options.userId }),
    });
    sources.push({ name: 'notebook', kind: 'in-process', server });
  }
  for (const server of options.mcpServers ?? []) {
    sources.push({
      name: server.name,
      kind: 'http',
      url: server.url,
      ...(server.headers ? { headers: server.headers } : {}),
    });
  }
  return createMcpToolHost(sources);
}
