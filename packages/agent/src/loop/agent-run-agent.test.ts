// The loop over a scripted model and real MCP test tools (in-process): events, guards, limits, checkpoints.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { RampartError, type Message } from '@rampart/spec';
import { FakeClock } from '@rampart/resilience/testing';
import type { AgentEvent } from '../agent-events.js';
import { overloadedError, ScriptedModel } from '../model/agent-scripted-model.js';
import { startTestTools, type TestTools } from './__fixtures__/agent-test-tools.js';
import { runAgentInMemory, userText } from './agent-run-in-memory.js';
import type { AgentConfig, RunCheckpoint } from './agent-run-types.js';

const config: AgentConfig = { model: 'claude-sonnet-4-5', maxSteps: 10 };
const types = (events: AgentEvent[]): string[] =>
  events.map((e) =>
    e.type === 'status' ? `status:${e.status}` : e.type === 'notice' ? `notice:${e.code}` : e.type,
  );
const contentOf = (events: AgentEvent[]): string =>
  events.map((e) => (e.type === 'content' ? e.text : '')).join('');
const toolResultTexts = (message: Message | undefined): string[] =>
  (message?.content ?? []).flatMap((p) =>
    p.type === 'tool_result' ? p.content.map((c) => (c.type === 'text' ? c.text : '')) : [],
  );

describe('agent loop', () => {
  let tools: TestTools;
  before(async () => {
    tools = await startTestTools();
  });
  after(async () => {
    await tools.host.close();
  });
  beforeEach(() => {
    tools.executions.clear();
    tools.failing.flaky = false;
  });

  test('text, tool call, more text: every delta reaches the client, framed by status events, then done', async () => {
    const model = new ScriptedModel([
      {
        text: ["I'll search ", 'for that information...'],
        toolCalls: [{ name: 'web_search', input: { query: 'Acme' } }],
      },
      { text: ['According to the search results, ', 'the company was founded in ', '1998.'] },
    ]);
    const run = await runAgentInMemory({
      model,
      tools: tools.host,
      config,
      messages: [userText('When was Acme founded?')],
    });
    assert.equal(run.outcome.status, 'completed');
    assert.deepEqual(types(run.events), [
      'run_started',
      'status:generating',
      'content',
      'content',
      'usage',
      'status:calling_tool',
      'tool_call',
      'tool_result',
      'status:generating',
      'content',
      'content',
      'content',
      'usage',
      'done',
    ]);
    assert.equal(
      contentOf(run.events),
      "I'll search for that information...According to the search results, the company was founded in 1998.",
    );
    const done = run.events.at(-1);
    assert.ok(done?.type === 'done' && done.steps === 2 && done.totalCostUsd !== '0.00');
    // The second model call saw the tool result.
    assert.match(toolResultTexts(model.calls[1]?.request.messages.at(-1)).join(''), /founded in 1998/);
    assert.deepEqual(
      model.calls.map((c) => c.options.stream),
      [true, true],
    );
  });

  test('the second identical call (keys reordered, spacing changed) is answered, not executed', async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'web_search', input: { query: 'competitor pricing', limit: 5 } }] },
      { toolCalls: [{ name: 'web_search', input: { limit: 5, query: '  competitor   pricing ' } }] },
      { text: 'Prices are in the first result.' },
    ]);
    const run = await runAgentInMemory({
      model,
      tools: tools.host,
      config,
      messages: [userText('pricing?')],
    });
    assert.equal(run.outcome.status, 'completed');
    assert.equal(tools.executions.get('web_search')?.length, 1);
    const notices = run.events.filter((e) => e.type === 'notice');
    assert.deepEqual(
      notices.map((n) => n.type === 'notice' && n.code),
      ['duplicate_tool_call'],
    );
    const told = toolResultTexts(model.calls[2]?.request.messages.at(-1)).join('');
    assert.match(told, /Not executed: this exact web_search call/);
  });

  test('identical calls in one turn run once; parallel results keep call order', async () => {
    tools.delays.push(30, 0);
    const model = new ScriptedModel([
      {
        toolCalls: [
          { name: 'slow', input: { label: 'first' }, id: 'a' },
          { name: 'slow', input: { label: 'second' }, id: 'b' },
          { name: 'slow', input: { label: 'second' }, id: 'c' },
        ],
      },
      { text: 'done' },
    ]);
    const run = await runAgentInMemory({ model, tools: tools.host, config, messages: [userText('go')] });
    assert.equal(run.outcome.status, 'completed');
    assert.equal(tools.executions.get('slow')?.length, 2);
    const resultsMessage = model.calls[1]?.request.messages.at(-1);
    assert.deepEqual(
      resultsMessage?.content.map((p) => (p.type === 'tool_result' ? p.toolCallId : '')),
      ['a', 'b', 'c'],
    );
    // 'b' finished first (no delay): the event stream shows completion order, the conversation call order.
    const finished = run.events
      .filter((e) => e.type === 'tool_result')
      .map((e) => e.type === 'tool_result' && e.toolCallId);
    assert.deepEqual(finished.slice(0, 2).sort(), ['b', 'c']);
    assert.equal(finished[2], 'a');
  });

  test('a tool failing 3 times in a row is blocked for 300 s and the model is told', async () => {
    tools.failing.flaky = true;
    const clock = new FakeClock();
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'flaky', input: { n: 1 } }] },
      { toolCalls: [{ name: 'flaky', input: { n: 2 } }] },
      { toolCalls: [{ name: 'flaky', input: { n: 3 } }] },
      { toolCalls: [{ name: 'flaky', input: { n: 4 } }] },
      { text: 'The service is down.' },
    ]);
    const run = await runAgentInMemory({
      model,
      tools: tools.host,
      config,
      clock,
      messages: [userText('go')],
    });
    assert.equal(run.outcome.status, 'completed');
    assert.equal(tools.executions.get('flaky')?.length, 3);
    const codes = run.events.flatMap((e) => (e.type === 'notice' ? [e.code] : []));
    assert.deepEqual(codes, ['tool_blocked', 'tool_blocked']);
    assert.match(
      toolResultTexts(model.calls[4]?.request.messages.at(-1)).join(''),
      /blocked for 300 more seconds/,
    );

    // After the block, the tool may be tried again (the breaker state travels in the checkpoint).
    await clock.advance(300_000);
    tools.failing.flaky = false;
    model.push({ toolCalls: [{ name: 'flaky', input: { n: 5 } }] }, { text: 'Back.' });
    const resumed = await runAgentInMemory({
      model,
      tools: tools.host,
      config,
      clock,
      checkpoint: {
        ...run.outcome.checkpoint,
        messages: [...run.outcome.checkpoint.messages, userText('again')],
      },
    });
    assert.equal(resumed.outcome.status, 'completed');
    assert.equal(tools.executions.get('flaky')?.length, 4);
    assert.deepEqual(resumed.outcome.checkpoint.guards.toolBreakers, {});
  });

  test('the run stops at its cost limit with a clear error, before running more tools', async () => {
    const turn = { toolCalls: [{ name: 'flaky', input: { n: 0 } }], costNanos: 400_000_000n }; // $0.40 a step
    const model = new ScriptedModel([
      { ...turn, toolCalls: [{ name: 'flaky', input: { n: 1 } }] },
      { ...turn, toolCalls: [{ name: 'flaky', input: { n: 2 } }] },
      { ...turn, toolCalls: [{ name: 'flaky', input: { n: 3 } }] },
    ]);
    const run = await runAgentInMemory({
      model,
      tools: tools.host,
      config: { ...config, maxCostUsd: '1.00' },
      messages: [userText('analyze all 500 pages')],
    });
    assert.equal(run.outcome.status, 'failed');
    const last = run.events.at(-1);
    assert.ok(last?.type === 'error');
    assert.equal(last.code, 'max_cost');
    assert.match(last.message, /cost limit of \$1\.00 \(spent \$1\.20\)/);
    assert.equal(model.calls.length, 3);
    assert.equal(tools.executions.get('flaky')?.length, 2);
    // The history stays valid for the thread's next run: the unrun call has a result.
    assert.match(
      toolResultTexts(run.outcome.checkpoint.messages.at(-1)).join(''),
      /Not executed: the run stopped \(max_cost\)/,
    );
  });

  test('max steps', async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'flaky', input: { n: 1 } }] },
      { toolCalls: [{ name: 'flaky', input: { n: 2 } }] },
    ]);
    const run = await runAgentInMemory({
      model,
      tools: tools.host,
      config: { ...config, maxSteps: 2 },
      messages: [userText('go')],
    });
    const last = run.events.at(-1);
    assert.ok(last?.type === 'error' && last.code === 'max_steps');
    assert.equal(tools.executions.get('flaky')?.length, 1);
  });

  test("a user's spent budget stops the run with budget_exceeded", async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'flaky', input: { n: 1 } }] },
      { error: new RampartError('budget_exceeded', 'User budget of $5.00 per day is spent.') },
    ]);
    const run = await runAgentInMemory({ model, tools: tools.host, config, messages: [userText('go')] });
    assert.equal(run.outcome.status, 'failed');
    const last = run.events.at(-1);
    assert.ok(last?.type === 'error' && last.code === 'budget_exceeded');
    assert.match(last.message, /Usage limit reached: User budget of \$5\.00 per day is spent\./);
  });

  test('an overload mid-stream degrades the run to non-streaming once; text is not repeated', async () => {
    const model = new ScriptedModel([
      {
        text: ['Let me ', 'check.'],
        toolCalls: [{ name: 'flaky', input: { n: 1 } }],
        cut: { afterEvents: 3, error: overloadedError(true) },
      },
      { text: ['Let me ', 'check.'], toolCalls: [{ name: 'flaky', input: { n: 1 } }] },
      { text: 'All good.' },
    ]);
    const run = await runAgentInMemory({ model, tools: tools.host, config, messages: [userText('go')] });
    assert.equal(run.outcome.status, 'completed');
    assert.deepEqual(
      model.calls.map((c) => c.options.stream),
      [true, false, false],
    );
    assert.deepEqual(
      model.calls.map((c) => c.request.stream),
      [true, false, false],
    );
    const notices = run.events.filter((e) => e.type === 'notice');
    assert.equal(notices.length, 1);
    assert.ok(notices[0]?.type === 'notice' && notices[0].code === 'streaming_degraded');
    assert.equal(contentOf(run.events), 'Let me check.All good.');
    assert.equal(run.outcome.checkpoint.streamingDegraded, true);
  });

  test('fallbacks the gateway reports become notices', async () => {
    const model = new ScriptedModel([
      {
        text: 'hi',
        provider: 'bedrock',
        model: 'claude-sonnet-4-5',
        failedAttempts: [
          {
            provider: 'anthropic',
            model: 'claude-sonnet-4-5',
            outcome: 'failed',
            status: 503,
            reason: 'upstream_unavailable',
          },
        ],
      },
    ]);
    const run = await runAgentInMemory({ model, tools: tools.host, config, messages: [userText('hi')] });
    const notice = run.events.find((e) => e.type === 'notice');
    assert.ok(notice?.type === 'notice' && notice.code === 'provider_fallback');
    assert.equal(
      notice.message,
      'Switched to bedrock (claude-sonnet-4-5): anthropic/claude-sonnet-4-5 failed (503 upstream_unavailable).',
    );
    const usage = run.events.find((e) => e.type === 'usage');
    assert.ok(usage?.type === 'usage' && usage.provider === 'bedrock');
  });

  test('a crash after one of two tool results: the resumed run runs only the other, and no model step twice', async () => {
    const script = [
      {
        toolCalls: [
          { name: 'slow', input: { label: 'x' }, id: 'x' },
          { name: 'slow', input: { label: 'y' }, id: 'y' },
        ],
      },
      { text: 'both done' },
    ];
    tools.delays.push(0, 50);
    const model = new ScriptedModel(script);
    let saved: RunCheckpoint | undefined;
    const crash = new Error('kill -9');
    await assert.rejects(
      runAgentInMemory({
        model,
        tools: tools.host,
        config,
        messages: [userText('go')],
        onCheckpoint(cp) {
          // Die right after the first tool result is durable.
          if (Object.keys(cp.toolResults).length === 1) {
            saved = cp;
            throw crash;
          }
        },
      }),
      (error) => error === crash,
    );
    assert.ok(saved);
    assert.deepEqual(Object.keys(saved.toolResults), ['x']);
    await new Promise((resolve) => setTimeout(resolve, 80)); // let the orphaned 'y' call of the dead run finish
    const executedBefore = tools.executions.get('slow')?.length ?? 0;

    const resumedModel = new ScriptedModel([{ text: 'both done' }]);
    const resumed = await runAgentInMemory({
      model: resumedModel,
      tools: tools.host,
      config,
      checkpoint: JSON.parse(JSON.stringify(saved)) as RunCheckpoint,
    });
    assert.equal(resumed.outcome.status, 'completed');
    assert.equal((tools.executions.get('slow')?.length ?? 0) - executedBefore, 1); // only 'y'
    assert.deepEqual(tools.executions.get('slow')?.at(-1), { label: 'y' });
    assert.equal(resumedModel.calls.length, 1); // step 1 was not asked again
    const results = resumedModel.calls[0]?.request.messages.at(-1);
    assert.deepEqual(
      results?.content.map((p) => (p.type === 'tool_result' ? p.toolCallId : '')),
      ['x', 'y'],
    );
    const done = resumed.events.at(-1);
    assert.ok(done?.type === 'done' && done.steps === 2);
  });

  test('a checkpoint taken after the final answer resumes to done without calling the model', async () => {
    const model = new ScriptedModel([{ text: 'final' }]);
    const run = await runAgentInMemory({ model, tools: tools.host, config, messages: [userText('hi')] });
    const afterAnswer = run.checkpoints.at(-1);
    assert.ok(afterAnswer);
    const again = new ScriptedModel([]);
    const resumed = await runAgentInMemory({
      model: again,
      tools: tools.host,
      config,
      checkpoint: afterAnswer,
    });
    assert.equal(resumed.outcome.status, 'completed');
    assert.equal(again.calls.length, 0);
  });

  test('cancel: the run ends as cancelled, its history valid', async () => {
    const controller = new AbortController();
    tools.delays.push(5000);
    const model = new ScriptedModel([{ toolCalls: [{ name: 'slow', input: { label: 'long' } }] }]);
    const running = runAgentInMemory({
      model,
      tools: tools.host,
      config,
      messages: [userText('go')],
      signal: controller.signal,
      onEvent(event) {
        if (event.type === 'tool_call')
          setTimeout(() => controller.abort(new Error('cancelled by user')), 10);
      },
    });
    const run = await running;
    assert.equal(run.outcome.status, 'cancelled');
    assert.ok(!run.events.some((e) => e.type === 'done' || e.type === 'error'));
    assert.match(
      toolResultTexts(run.outcome.checkpoint.messages.at(-1)).join(''),
      /Not executed: the run was cancelled/,
    );
  });

  test('history pruning keeps the first and last messages, summarizes the middle, never splits a call from its result', async () => {
    const history: Message[] = [userText('task: study Acme')];
    for (let i = 0; i < 6; i += 1) {
      history.push({
        role: 'assistant',
        content: [{ type: 'tool_call', id: `c${i}`, name: 'web_search', input: { query: `q${i}` } }],
      });
      history.push({
        role: 'user',
        content: [{ type: 'tool_result', toolCallId: `c${i}`, content: [{ type: 'text', text: `r${i}` }] }],
      });
    }
    history.push({ role: 'assistant', content: [{ type: 'text', text: 'Searched six times.' }] });
    history.push(userText('now summarize'));
    const model = new ScriptedModel([
      { text: 'Searched q0..q4; results r0..r4.' },
      { text: 'Acme summary.' },
    ]);
    const run = await runAgentInMemory({
      model,
      tools: tools.host,
      config: { ...config, pruning: { above: 8, keepFirst: 1, keepLast: 4 } },
      messages: history,
    });
    assert.equal(run.outcome.status, 'completed');
    const summaryCall = model.calls[0];
    assert.equal(summaryCall?.request.tools, undefined);
    assert.match(JSON.stringify(summaryCall?.request.messages), /q1/);
    const sent = model.calls[1]?.request.messages ?? [];
    // first message, then the summary joined to the next user turn, then whole call/result pairs.
    assert.equal(sent[0]?.content[0]?.type === 'text' && sent[0].content[0].text, 'task: study Acme');
    const ids = new Set(
      sent.flatMap((m) => m.content.flatMap((p) => (p.type === 'tool_call' ? [p.id] : []))),
    );
    const resultIds = new Set(
      sent.flatMap((m) => m.content.flatMap((p) => (p.type === 'tool_result' ? [p.toolCallId] : []))),
    );
    assert.deepEqual([...ids].sort(), [...resultIds].sort());
    assert.ok(ids.size >= 1);
    assert.match(JSON.stringify(sent), /Summary of \d+ earlier messages/);
    for (let i = 1; i < sent.length; i += 1)
      assert.notEqual(sent[i]?.role, sent[i - 1]?.role, `turns alternate at ${i}`);
    assert.ok(run.events.some((e) => e.type === 'notice' && e.code === 'history_pruned'));
  });
});
