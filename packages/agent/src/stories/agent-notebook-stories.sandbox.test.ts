// The stories with the real notebook tool: real bubblewrap kernels behind the notebook MCP server (in-process),
// the model scripted in the provider simulator behind a real gateway. Few kernels: one thread for the stories, one
// for the demo. Runs in the sandbox group of scripts/test.mjs, one file at a time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createBubblewrapDriver, createSandboxManager, type SandboxManager } from '@rampart/sandbox';
import { openStore, type Store } from '@rampart/store';
import type { AgentEvent } from '../agent-events.js';
import { runDemo } from '../demo/agent-demo.js';
import { runAgentInMemory, userText } from '../loop/agent-run-in-memory.js';
import type { AgentConfig } from '../loop/agent-run-types.js';
import type { McpToolHost } from '../tools/agent-mcp-tool-host.js';
import { createAgentToolHost } from '../tools/agent-tool-host.js';
import { startStoryGateway, STORY_MODEL, type StoryGateway } from './__fixtures__/agent-story-gateway.js';

const config: AgentConfig = { model: STORY_MODEL, maxSteps: 10, maxTokens: 512 };
const text = (events: AgentEvent[]): string =>
  events.map((e) => (e.type === 'content' ? e.text : '')).join('');
const cell = (code: string) => ({ name: 'notebook_run_cell', input: { code, description: 'story cell' } });

describe('agent stories with the real notebook', () => {
  let dir: string;
  let store: Store;
  let manager: SandboxManager;
  let gw: StoryGateway;
  let tools: McpToolHost;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-agent-stories-'));
    store = await openStore({ url: join(dir, 'rampart.db') });
    manager = createSandboxManager({
      store,
      driver: createBubblewrapDriver({ runtimeDir: join(dir, 'run'), workDirLimit: 'none' }),
      workRoot: join(dir, 'work'),
    });
    await manager.start();
    gw = await startStoryGateway();
    tools = await createAgentToolHost({ threadId: 'story-thread', userId: 'story-user', notebook: manager });
  });
  after(async () => {
    await tools.close();
    await gw.close();
    await manager.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('partial streaming: text, a notebook cell, more text, all of it arrives with its status events', async () => {
    gw.sim.reset();
    gw.sim.script.push(
      { text: 'Let me compute that in the notebook...', toolCalls: [cell('answer = 6 * 7\nprint(answer)')] },
      { text: 'The notebook says the answer is 42.' },
    );
    const run = await runAgentInMemory({
      model: gw.inProcessModel,
      tools,
      config,
      messages: [userText('What is 6 times 7?')],
    });
    assert.equal(run.outcome.status, 'completed', JSON.stringify(run.events.at(-1)));
    assert.equal(
      text(run.events),
      'Let me compute that in the notebook...The notebook says the answer is 42.',
    );
    const result = run.events.find((e) => e.type === 'tool_result');
    assert.ok(result?.type === 'tool_result' && !result.isError);
    assert.equal(result.output.trim(), '42');
    const statuses = run.events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
    assert.deepEqual(statuses, ['generating', 'calling_tool', 'generating']);
    assert.equal(run.events.at(-1)?.type, 'done');
  });

  test('streaming overload with the notebook: degrades once, the kernel state carries on, the run completes', async () => {
    gw.sim.reset();
    gw.sim.faults.add({
      match: { provider: 'anthropic' },
      effect: { type: 'status', status: 529 },
      when: { times: 1 },
    });
    gw.sim.script.push(
      { text: 'Doubling it.', toolCalls: [cell('print(answer * 2)')] },
      { text: 'It is 84.' },
    );
    const run = await runAgentInMemory({
      model: gw.inProcessModel,
      tools,
      config,
      messages: [userText('Double the answer')],
    });
    assert.equal(run.outcome.status, 'completed', JSON.stringify(run.events.at(-1)));
    assert.deepEqual(
      run.events.flatMap((e) => (e.type === 'notice' ? [e.code] : [])),
      ['streaming_degraded'],
    );
    const result = run.events.find((e) => e.type === 'tool_result');
    assert.ok(result?.type === 'tool_result' && result.output.trim() === '84');
    assert.deepEqual(
      gw.sim.requests.map((r) => r.stream),
      [true, false, false],
    );
  });

  test('infinite loop with the notebook: the same cell twice runs once', async () => {
    gw.sim.reset();
    const code = 'import time\nprint("scraped", time.time() > 0)';
    gw.sim.script.push({ toolCalls: [cell(code)] }, { toolCalls: [cell(`${code}\n`)] }, { text: 'Done.' });
    const run = await runAgentInMemory({
      model: gw.inProcessModel,
      tools,
      config,
      messages: [userText('scrape')],
    });
    assert.equal(run.outcome.status, 'completed');
    const results = run.events.filter((e) => e.type === 'tool_result');
    assert.equal(results.length, 2);
    assert.ok(results[0]?.type === 'tool_result' && !results[0].isError);
    assert.ok(
      results[1]?.type === 'tool_result' && results[1].isError && /Not executed/.test(results[1].output),
    );
  });

  test('the demo: a multi-step pandas task while the primary provider fails, with fallback notices and cost', async () => {
    let printed = '';
    const result = await runDemo({ write: (t) => (printed += t) });
    assert.ok(!('unavailable' in result), 'unavailable' in result ? result.unavailable : '');
    assert.equal(result.outcome.status, 'completed');
    assert.equal(result.primaryFailures, 3);
    assert.equal(result.backupCalls, 3);
    assert.equal(
      result.events.filter((e) => e.type === 'notice' && e.code === 'provider_fallback').length,
      3,
    );
    // The final answer carries the numbers the kernel computed.
    assert.match(
      text(result.events),
      /West brought the most revenue in Q1: \$2066\.70 of \$4772\.68 in total, 43\.3% of it\./,
    );
    assert.match(printed, /SIMULATED/);
    assert.match(printed, /Switched to bedrock/);
    assert.match(printed, /total cost \$0\.0\d+/);
  });
});
