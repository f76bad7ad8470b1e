// The MCP server end to end: official SDK clients over Streamable HTTP and stdio, real bubblewrap kernels.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { openStore, type Store } from '@rampart/store';
import { testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import { createBubblewrapDriver } from '../drivers/drivers-bubblewrap-driver.js';
import { createSandboxManager, type SandboxManager } from '../manager/manager-sandbox-manager.js';
import { startNotebookHttpServer, type NotebookHttpServer } from './mcp-http-server.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TOOLS = ['notebook_list_files', 'notebook_restart', 'notebook_run_cell'];

const texts = (r: CallToolResult): string =>
  r.content.map((c) => (c.type === 'text' ? c.text : `<${c.type}>`)).join('\n');

async function run(client: Client, code: string, timeout?: number): Promise<CallToolResult> {
  const args = { code, description: 'test cell', ...(timeout === undefined ? {} : { timeout }) };
  return (await client.callTool({ name: 'notebook_run_cell', arguments: args })) as CallToolResult;
}

describe('notebook MCP server with real kernels', () => {
  let target: TestStoreUrl;
  let dir: string;
  let store: Store;
  let manager: SandboxManager;
  let http: NotebookHttpServer;

  before(async () => {
    target = testSqliteUrl();
    dir = mkdtempSync(join(tmpdir(), 'rampart-mcp-'));
    store = await openStore({ url: target.url });
    manager = createSandboxManager({
      store,
      driver: createBubblewrapDriver({ runtimeDir: join(dir, 'run') }),
      workRoot: join(dir, 'work'),
    });
    await manager.start();
    http = await startNotebookHttpServer({ manager });
  });
  after(async () => {
    await http.close();
    await manager.close();
    await store.close();
    await target.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('Streamable HTTP: tools, state across cells, rich outputs, errors, timeouts, truncation, files', async () => {
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${http.url}/threads/t-http/mcp`)));
    try {
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name).sort(), TOOLS);

      assert.equal((await run(client, 'x = 21\nprint("set")')).isError, false);
      const doubled = await run(client, 'x * 2');
      assert.equal(texts(doubled), '42');

      const error = await run(client, '1/0');
      assert.equal(error.isError, true);
      assert.match(texts(error), /ZeroDivisionError/);
      assert.match(texts(error), /Traceback|division by zero/);

      const plot = await run(client, 'import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()');
      const image = plot.content.find((c) => c.type === 'image');
      assert.ok(image && image.type === 'image' && image.mimeType === 'image/png');
      assert.ok(Buffer.from(image.data, 'base64').subarray(1, 4).toString() === 'PNG');

      const table = await run(client, 'import pandas as pd\npd.DataFrame({"a": [1, 2]})');
      const html = table.content.find((c) => c.type === 'resource');
      assert.ok(html && html.type === 'resource' && 'text' in html.resource);
      assert.match(String(html.resource.text), /<table/);

      const stderr = await run(client, 'import sys\nprint("to err", file=sys.stderr)');
      assert.match(texts(stderr), /\[stderr\]\nto err/);

      const slow = await run(client, 'import time\ntime.sleep(30)', 1);
      assert.equal(slow.isError, true);
      assert.match(texts(slow), /timed out/);
      assert.equal(texts(await run(client, 'x')), '21', 'the kernel survived the interrupt');

      const big = await run(client, 'print("y" * 1_000_000)');
      assert.match(texts(big), /output truncated: 1,000,001 (bytes|characters)/);

      await run(client, 'open("notes.txt", "w").write("hello")');
      const files = (await client.callTool({ name: 'notebook_list_files', arguments: {} })) as CallToolResult;
      assert.match(texts(files), /^\/work: 1 file\(s\)\nnotes\.txt\t5 bytes$/);

      await client.callTool({ name: 'notebook_restart', arguments: {} });
      assert.match(texts(await run(client, 'x')), /NameError/);
    } finally {
      await client.close();
    }
  });

  test('Streamable HTTP: the thread may come from the x-rampart-thread-id header', async () => {
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), {
        requestInit: { headers: { 'x-rampart-thread-id': 't-header' } },
      }),
    );
    try {
      await run(client, 'k = "kept"');
      assert.equal(texts(await run(client, 'k')), "'kept'");
    } finally {
      await client.close();
    }
    const missing = await fetch(`${http.url}/mcp`, { method: 'POST', body: '{}' });
    assert.equal(missing.status, 400);
  });

  test('Streamable HTTP: a body that is not JSON is a JSON-RPC parse error, and the server carries on', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const bad = await fetch(`${http.url}/threads/t-http/mcp`, {
      method: 'POST',
      headers,
      body: '{"jsonrpc":',
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: number } }).error.code, -32700);
    const list = await fetch(`${http.url}/threads/t-http/mcp`, {
      method: 'POST',
      headers: { ...headers, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
    });
    assert.equal(list.status, 200);
    const tools = ((await list.json()) as { result: { tools: Array<{ name: string }> } }).result.tools;
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
  });

  test('stdio: the bin runs a thread’s notebook', async () => {
    const client = new Client({ name: 'test', version: '1' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        '--import',
        'tsx',
        MAIN,
        '--thread',
        't-stdio',
        '--store',
        target.url,
        '--work-root',
        join(dir, 'work'),
      ],
      stderr: 'pipe',
    });
    await client.connect(transport);
    try {
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name).sort(), TOOLS);
      await run(client, 'import os\nn = len("abc")');
      assert.equal(texts(await run(client, 'n + 1')), '4');
      assert.equal(texts(await run(client, 'os.getcwd()')), "'/work'");
    } finally {
      await client.close();
    }
  });
});
