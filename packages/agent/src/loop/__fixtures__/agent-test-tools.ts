// Test tools served by a real MCP server (the SDK's McpServer) in-process over a linked transport, so loop tests
// go through the same ToolHost code as production.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { createMcpToolHost, type McpToolHost } from '../../tools/agent-mcp-tool-host.js';

/** Counters and switches of the test tools. */
export interface TestTools {
  host: McpToolHost;
  /** Tool name → arguments of every execution. */
  executions: Map<string, unknown[]>;
  /** Makes `flaky` fail while true. */
  failing: { flaky: boolean };
  /** Per-call delay of `slow` in ms (real time, kept tiny), to finish parallel calls out of order. */
  delays: number[];
}

/** web_search (deterministic), flaky (fails on demand), slow (finishes after a delay). */
export async function startTestTools(): Promise<TestTools> {
  const executions = new Map<string, unknown[]>();
  const failing = { flaky: false };
  const delays: number[] = [];
  const record = (name: string, args: unknown): void => {
    executions.set(name, [...(executions.get(name) ?? []), args]);
  };
  const server = new McpServer({ name: 'test-tools', version: '1' });
  server.registerTool(
    'web_search',
    { description: 'Search the web', inputSchema: { query: z.string(), limit: z.number().optional() } },
    (args) => {
      record('web_search', args);
      return { content: [{ type: 'text', text: `10 results for "${args.query}": Acme founded in 1998.` }] };
    },
  );
  server.registerTool('flaky', { description: 'Fails on demand', inputSchema: { n: z.number() } }, (args) => {
    record('flaky', args);
    return failing.flaky
      ? { content: [{ type: 'text', text: 'upstream service unavailable' }], isError: true }
      : { content: [{ type: 'text', text: `ok ${args.n}` }] };
  });
  server.registerTool('slow', { description: 'Echoes after a delay', inputSchema: { label: z.string() } }, async (args) => {
    record('slow', args);
    await new Promise((resolve) => setTimeout(resolve, delays.shift() ?? 0));
    return { content: [{ type: 'text', text: `slow ${args.label}` }] };
  });
  const host = await createMcpToolHost([{ name: 'test', kind: 'in-process', server }]);
  return { host, executions, failing, delays };
}
