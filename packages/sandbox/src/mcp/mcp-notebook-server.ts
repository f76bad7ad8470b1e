// The notebook as an MCP server bound to one thread: notebook_run_cell, plus the two things a user of it expects
// beside it (restart the kernel, list the work dir's files). The tool surface stays tiny on purpose: the agent writes
// code instead of choosing among tool schemas.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { z } from 'zod';
import type { SandboxManager } from '../manager/manager-sandbox-manager.js';
import { cellResultToContent } from './mcp-cell-content.js';

/** What an MCP server instance serves. */
export interface NotebookMcpServerOptions {
  manager: SandboxManager;
  threadId: string;
  userId?: string;
  /** Upper bound on a cell's timeout, in seconds (default 24 h). */
  maxTimeoutSeconds?: number;
}

const SERVER_INFO = { name: 'rampart-notebook', version: '0.1.0' };

// The HTTP endpoint builds a server per request (stateless), and each server would otherwise build its own Ajv
// instance (~0.1 ms of CPU and a heap of garbage per call) for a feature these tools never use (elicitation).
let sharedValidator: AjvJsonSchemaValidator | undefined;
const DEFAULT_TIMEOUT_SECONDS = 3600;

// Built once per timeout bound rather than per server, for the same reason.
const runCellShapes = new Map<number, ReturnType<typeof runCellShape>>();
function shapeFor(maxTimeout: number): ReturnType<typeof runCellShape> {
  let shape = runCellShapes.get(maxTimeout);
  if (shape === undefined) runCellShapes.set(maxTimeout, (shape = runCellShape(maxTimeout)));
  return shape;
}
function runCellShape(maxTimeout: number) {
  return {
    code: z.string().describe('Python code to execute'),
    description: z.string().describe('What this cell does, in a few words (shown to people watching)'),
    timeout: z
      .number()
      .int()
      .min(1)
      .max(maxTimeout)
      .optional()
      .describe(`Max execution time in seconds (default ${DEFAULT_TIMEOUT_SECONDS})`),
  };
}

/** Creates an MCP server exposing the thread's notebook. */
export function createNotebookMcpServer(options: NotebookMcpServerOptions): McpServer {
  const { manager, threadId } = options;
  const scope = options.userId === undefined ? {} : { userId: options.userId };
  const maxTimeout = options.maxTimeoutSeconds ?? 24 * 3600;
  const server = new McpServer(SERVER_INFO, {
    jsonSchemaValidator: (sharedValidator ??= new AjvJsonSchemaValidator()),
    instructions:
      'A persistent Python (IPython) notebook for this conversation: variables, imports and files persist across cells. The work dir is the current directory.',
  });

  server.registerTool(
    'notebook_run_cell',
    {
      title: 'Run a Python cell',
      description:
        'Execute Python in this thread’s sandboxed Jupyter kernel. State persists across calls, like notebook cells. Returns stdout, stderr, the value of the last expression, images and HTML tables; errors come back with their traceback. Long outputs are cut in the middle with a marker. Available: pandas, numpy, matplotlib, requests, bs4.',
      inputSchema: shapeFor(maxTimeout),
      annotations: { openWorldHint: true, destructiveHint: true },
    },
    async ({ code, timeout }, extra): Promise<CallToolResult> => {
      const result = await manager.runCell(threadId, code, {
        ...scope,
        timeoutMs: (timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
        signal: extra.signal,
      });
      return cellResultToContent(result, `notebook://threads/${encodeURIComponent(threadId)}`);
    },
  );

  server.registerTool(
    'notebook_restart',
    {
      title: 'Restart the Python kernel',
      description:
        'Restart this thread’s kernel: all variables and imports are cleared; files in the work dir are kept.',
      inputSchema: {},
      annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (): Promise<CallToolResult> => {
      await manager.restart(threadId, scope);
      return {
        content: [{ type: 'text', text: 'The kernel was restarted: variables are cleared, files are kept.' }],
      };
    },
  );

  server.registerTool(
    'notebook_list_files',
    {
      title: 'List the work dir',
      description: 'List the files in this thread’s work dir (path and size), as the notebook sees them.',
      inputSchema: {},
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (): Promise<CallToolResult> => {
      const listing = await manager.listFiles(threadId, scope);
      const lines = listing.files.map((f) => `${f.path}\t${f.sizeBytes} bytes`);
      const header = `${listing.root}: ${listing.files.length} file(s)${listing.truncated ? ' (listing truncated)' : ''}`;
      return { content: [{ type: 'text', text: [header, ...lines].join('\n') }] };
    },
  );
  return server;
}
