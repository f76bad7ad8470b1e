// A ToolHost over MCP servers through the official SDK client: the thread's notebook in-process (a linked
// transport pair, no socket) by default, plus any Streamable HTTP servers an agent is configured with.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ImagePart, TextPart, ToolDefinition } from '@rampart/spec';
import type { ToolCallOutput, ToolHost, ToolNotice } from '../loop/agent-run-types.js';

/** An MCP server object that can serve one transport, e.g. the SDK's McpServer (createNotebookMcpServer). */
export interface ConnectableMcpServer {
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
}

/** One MCP server a ToolHost reaches. */
export type McpServerSource =
  | { name: string; kind: 'in-process'; server: ConnectableMcpServer }
  | { name: string; kind: 'http'; url: string; headers?: Record<string, string> };

/** A ToolHost that owns MCP connections; close() ends them. */
export interface McpToolHost extends ToolHost {
  close(): Promise<void>;
}

/** Tool calls may run long (a notebook cell up to its own timeout): the SDK's 60 s default would cut them. */
const TOOL_CALL_TIMEOUT_MS = 24 * 3600 * 1000;
const NOTICE_PREFIX = '[rampart notice] ';

/** Connects to every server and returns one ToolHost over all their tools. */
export async function createMcpToolHost(sources: readonly McpServerSource[]): Promise<McpToolHost> {
  // The SDK client loads with the first tool host, not with the gateway process that embeds the agent runtime
  // (the client and its schemas are ~3 MB resident that a gateway serving no agent run never needs).
  const [{ Client }, { StreamableHTTPClientTransport }, { InMemoryTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/inMemory.js'),
  ]);
  const connections: Array<{ name: string; client: Client; server?: ConnectableMcpServer }> = [];
  try {
    for (const source of sources) {
      const client = new Client({ name: 'rampart-agent', version: '0.1.0' });
      if (source.kind === 'in-process') {
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
        await source.server.connect(serverSide);
        await client.connect(clientSide);
        connections.push({ name: source.name, client, server: source.server });
      } else {
        const transport = new StreamableHTTPClientTransport(new URL(source.url), {
          ...(source.headers ? { requestInit: { headers: source.headers } } : {}),
        });
        await client.connect(transport);
        connections.push({ name: source.name, client });
      }
    }
  } catch (error) {
    await closeAll(connections);
    throw error;
  }

  // Tool name → the connection serving it. A name two servers share is reached as `<server>__<tool>`.
  let routes: Map<string, { client: Client; tool: string }> | undefined;
  let definitions: ToolDefinition[] = [];

  async function load(signal?: AbortSignal): Promise<void> {
    const next = new Map<string, { client: Client; tool: string }>();
    const defs: ToolDefinition[] = [];
    for (const { name, client } of connections) {
      const { tools } = await client.listTools(undefined, signal ? { signal } : {});
      for (const tool of tools) {
        const exposed = next.has(tool.name) ? `${name}__${tool.name}` : tool.name;
        next.set(exposed, { client, tool: tool.name });
        defs.push({
          name: exposed,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          inputSchema: tool.inputSchema,
        });
      }
    }
    routes = next;
    definitions = defs;
  }

  return {
    async listTools(signal) {
      await load(signal);
      return definitions;
    },
    async callTool(name, input, signal) {
      if (routes === undefined) await load(signal);
      const route = routes?.get(name);
      if (route === undefined) {
        return {
          content: [{ type: 'text', text: `There is no tool named ${name}.` }],
          isError: true,
          notices: [],
        };
      }
      try {
        const result = (await route.client.callTool(
          { name: route.tool, arguments: input as Record<string, unknown> },
          undefined,
          { signal, timeout: TOOL_CALL_TIMEOUT_MS },
        )) as CallToolResult;
        return toOutput(result);
      } catch (error) {
        if (signal.aborted) throw error;
        // A protocol failure (server gone, invalid arguments) is the tool failing, as far as the model is concerned.
        return {
          content: [{ type: 'text', text: `The tool ${name} failed: ${(error as Error).message}` }],
          isError: true,
          notices: [],
        };
      }
    },
    close: () => closeAll(connections),
  };
}

/** MCP tool content → canonical parts, sandbox notices lifted out so the user hears them too. */
export function toOutput(result: CallToolResult): ToolCallOutput {
  const content: Array<TextPart | ImagePart> = [];
  const notices: ToolNotice[] = [];
  const hasText = result.content.some((c) => c.type === 'text');
  for (const item of result.content) {
    switch (item.type) {
      case 'text':
        if (item.text.startsWith(NOTICE_PREFIX)) {
          const message = item.text.slice(NOTICE_PREFIX.length);
          notices.push({
            code: /restart/i.test(message) ? 'sandbox_restarted' : 'sandbox_restarted',
            message,
          });
        }
        // The model must learn of lost state too: the notice stays in what it reads.
        content.push({ type: 'text', text: item.text });
        break;
      case 'image':
        content.push({
          type: 'image',
          source: { kind: 'base64', mediaType: item.mimeType, data: item.data },
        });
        break;
      case 'resource':
        // HTML tables come beside their plain-text form: the text is enough for the model and far shorter.
        if ('text' in item.resource && !(hasText && item.resource.mimeType === 'text/html'))
          content.push({ type: 'text', text: String(item.resource.text) });
        break;
      case 'resource_link':
        content.push({ type: 'text', text: `[resource ${item.uri}]` });
        break;
      case 'audio':
        content.push({ type: 'text', text: '[audio output omitted]' });
        break;
    }
  }
  if (result.structuredContent !== undefined && content.length === 0)
    content.push({ type: 'text', text: JSON.stringify(result.structuredContent) });
  if (content.length === 0) content.push({ type: 'text', text: '(no output)' });
  return { content, isError: result.isError === true, notices };
}

async function closeAll(
  connections: Array<{ client: Client; server?: ConnectableMcpServer }>,
): Promise<void> {
  await Promise.allSettled(
    connections.flatMap(({ client, server }) => [client.close(), ...(server ? [server.close()] : [])]),
  );
}
