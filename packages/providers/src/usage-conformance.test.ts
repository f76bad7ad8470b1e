// One table over every provider format's usage: what each wire says, and the one canonical Usage it must
// become. Canonical inputTokens is uncached input only; absent stays absent; cache writes keep their TTL split.
// Streamed cases run through the real stream decoders, since there the usage arrives split across events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { totalInputTokens, type StreamEvent, type Usage } from '@rampart/spec';
import { convertAnthropicUsage } from './anthropic/convert-anthropic-usage.js';
import { createAnthropicAdapter } from './anthropic/create-anthropic-adapter.js';
import {
  meteredUsageFromHeaders,
  meteredUsageFromInvocationMetrics,
  reconcileBedrockInvokeUsage,
} from './bedrock/convert-bedrock-invoke-usage.js';
import { convertConverseUsage, converseUsageSchema } from './bedrock/convert-converse-usage.js';
import { createBedrockConverseAdapter } from './bedrock/create-bedrock-converse-adapter.js';
import { createBedrockInvokeAdapter } from './bedrock/create-bedrock-invoke-adapter.js';
import { bodyOf, eventFrame, invokeChunkFrame } from './bedrock/__fixtures__/event-stream.js';
import { fromOpenAIUsage } from './openai/convert-openai-usage.js';
import { createOpenAIAdapter } from './openai/openai-adapter.js';

type Source =
  | { format: 'anthropic'; usage: unknown }
  | { format: 'bedrock-invoke'; body: unknown; headers?: Record<string, string> }
  | { format: 'bedrock-invoke-stream'; events: unknown[]; metrics?: unknown }
  | { format: 'converse'; usage: unknown }
  | { format: 'converse-stream'; usage: unknown }
  | { format: 'openai'; usage: unknown }
  | { format: 'anthropic-stream'; events: unknown[] }
  | { format: 'openai-stream'; chunks: unknown[] };

interface Case {
  name: string;
  source: Source;
  expected: Usage;
  /** Every input token, cached or not; checks no class is counted twice. */
  totalInput?: number;
}

const utf8 = new TextEncoder();
const sse = (events: unknown[]) =>
  events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
const textBlock = [
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
  { type: 'content_block_stop', index: 0 },
];
const messageStart = (usage: unknown) => ({
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage,
  },
});
const anthropicStream = (start: unknown, ...deltas: unknown[]) => [
  messageStart(start),
  ...textBlock,
  ...deltas.map((usage) => ({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage })),
  { type: 'message_stop' },
];
const openaiChunk = (extra: Record<string, unknown>) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o',
  ...extra,
});

const CASES: Case[] = [
  // Anthropic direct: input_tokens already excludes cache reads and writes.
  {
    name: 'Anthropic: plain input, no cache fields → cache classes absent, not 0',
    source: { format: 'anthropic', usage: { input_tokens: 25, output_tokens: 7 } },
    expected: { inputTokens: 25, outputTokens: 7 },
    totalInput: 25,
  },
  {
    name: 'Anthropic: cache read and write are counted apart from input_tokens (nothing subtracted)',
    source: {
      format: 'anthropic',
      usage: {
        input_tokens: 50,
        cache_read_input_tokens: 10_000,
        cache_creation_input_tokens: 2_000,
        output_tokens: 300,
      },
    },
    expected: { inputTokens: 50, cacheReadTokens: 10_000, cacheWriteTokens: 2_000, outputTokens: 300 },
    totalInput: 12_050,
  },
  {
    name: 'Anthropic: cache writes 5m vs 1h keep their TTL split',
    source: {
      format: 'anthropic',
      usage: {
        input_tokens: 5,
        cache_creation_input_tokens: 3_000,
        cache_creation: { ephemeral_5m_input_tokens: 1_000, ephemeral_1h_input_tokens: 2_000 },
        cache_read_input_tokens: 0,
        output_tokens: 1,
      },
    },
    expected: {
      inputTokens: 5,
      cacheWriteTokens: 3_000,
      cacheWrite5mTokens: 1_000,
      cacheWrite1hTokens: 2_000,
      cacheReadTokens: 0,
      outputTokens: 1,
    },
    totalInput: 3_005,
  },
  {
    name: 'Anthropic: only the TTL breakdown reported → the write total is its sum',
    source: {
      format: 'anthropic',
      usage: { input_tokens: 1, cache_creation: { ephemeral_1h_input_tokens: 400 }, output_tokens: 2 },
    },
    expected: { inputTokens: 1, cacheWriteTokens: 400, cacheWrite1hTokens: 400, outputTokens: 2 },
    totalInput: 401,
  },
  {
    name: 'Anthropic: null and garbage fields stay absent',
    source: {
      format: 'anthropic',
      usage: { input_tokens: null, cache_read_input_tokens: -3, output_tokens: 'x', cache_creation: null },
    },
    expected: {},
  },

  // Bedrock InvokeModel: Anthropic body plus the meter in response headers.
  {
    name: 'Bedrock InvokeModel: body and headers agree → body figures',
    source: {
      format: 'bedrock-invoke',
      body: { input_tokens: 30, cache_read_input_tokens: 900, output_tokens: 12 },
      headers: {
        'x-amzn-bedrock-input-token-count': '30',
        'x-amzn-bedrock-output-token-count': '12',
        'x-amzn-bedrock-cache-read-input-token-count': '900',
      },
    },
    expected: { inputTokens: 30, cacheReadTokens: 900, outputTokens: 12 },
    totalInput: 930,
  },
  {
    name: 'Bedrock InvokeModel (the gotcha): header input count includes cache → cache not counted twice',
    source: {
      format: 'bedrock-invoke',
      body: {
        input_tokens: 30,
        cache_read_input_tokens: 900,
        cache_creation_input_tokens: 100,
        output_tokens: 12,
      },
      headers: {
        'x-amzn-bedrock-input-token-count': '1030',
        'x-amzn-bedrock-cache-read-input-token-count': '900',
        'x-amzn-bedrock-cache-write-input-token-count': '100',
      },
    },
    expected: { inputTokens: 30, cacheReadTokens: 900, cacheWriteTokens: 100, outputTokens: 12 },
    totalInput: 1_030,
  },
  {
    name: 'Bedrock InvokeModel (the gotcha, reversed): body input includes cache, meter does not',
    source: {
      format: 'bedrock-invoke',
      body: { input_tokens: 930, cache_read_input_tokens: 900, output_tokens: 12 },
      headers: { 'x-amzn-bedrock-input-token-count': '30' },
    },
    expected: { inputTokens: 30, cacheReadTokens: 900, outputTokens: 12 },
    totalInput: 930,
  },
  {
    name: 'Bedrock InvokeModel: body without usage → headers fill every class they have',
    source: {
      format: 'bedrock-invoke',
      body: undefined,
      headers: {
        'x-amzn-bedrock-input-token-count': '40',
        'x-amzn-bedrock-output-token-count': '9',
        'x-amzn-bedrock-cache-write-input-token-count': '0',
      },
    },
    expected: { inputTokens: 40, outputTokens: 9, cacheWriteTokens: 0 },
    totalInput: 40,
  },
  {
    name: 'Bedrock InvokeModel: neither body nor headers → nothing reported (not zeros)',
    source: { format: 'bedrock-invoke', body: undefined, headers: {} },
    expected: {},
  },
  {
    name: 'Bedrock InvokeModel stream: usage split over message_start, message_delta and invocationMetrics',
    source: {
      format: 'bedrock-invoke-stream',
      events: anthropicStream(
        {
          input_tokens: 20,
          cache_read_input_tokens: 500,
          cache_creation_input_tokens: 64,
          cache_creation: { ephemeral_5m_input_tokens: 64 },
          output_tokens: 1,
        },
        { output_tokens: 77 },
      ),
      metrics: {
        inputTokenCount: 584,
        outputTokenCount: 77,
        cacheReadInputTokenCount: 500,
        cacheWriteInputTokenCount: 64,
        invocationLatency: 100,
        firstByteLatency: 10,
      },
    },
    expected: {
      inputTokens: 20,
      cacheReadTokens: 500,
      cacheWriteTokens: 64,
      cacheWrite5mTokens: 64,
      outputTokens: 77,
    },
    totalInput: 584,
  },

  // Converse: inputTokens excludes cache; totalTokens includes it.
  {
    name: 'Converse: inputTokens excludes cache, totalTokens includes it → input taken as is',
    source: {
      format: 'converse',
      usage: {
        inputTokens: 25,
        outputTokens: 40,
        totalTokens: 2_065,
        cacheReadInputTokens: 2_000,
        cacheWriteInputTokens: 0,
      },
    },
    expected: { inputTokens: 25, outputTokens: 40, cacheReadTokens: 2_000, cacheWriteTokens: 0 },
    totalInput: 2_025,
  },
  {
    name: 'Converse (the gotcha): inputTokens includes cache (total = input + output) → cache subtracted',
    source: {
      format: 'converse',
      usage: {
        inputTokens: 2_025,
        outputTokens: 40,
        totalTokens: 2_065,
        cacheReadInputTokens: 2_000,
      },
    },
    expected: { inputTokens: 25, outputTokens: 40, cacheReadTokens: 2_000 },
    totalInput: 2_025,
  },
  {
    name: 'Converse: cache writes 5m vs 1h from cacheDetails',
    source: {
      format: 'converse',
      usage: {
        inputTokens: 10,
        outputTokens: 5,
        totalTokens: 1_515,
        cacheWriteInputTokens: 1_500,
        cacheDetails: [
          { ttl: '1h', inputTokens: 1_000 },
          { ttl: '5m', inputTokens: 500 },
        ],
      },
    },
    expected: {
      inputTokens: 10,
      outputTokens: 5,
      cacheWriteTokens: 1_500,
      cacheWrite5mTokens: 500,
      cacheWrite1hTokens: 1_000,
    },
    totalInput: 1_510,
  },
  {
    name: 'Converse: only cacheDetails report writes → the write total is their sum',
    source: {
      format: 'converse',
      usage: { inputTokens: 10, outputTokens: 5, cacheDetails: [{ ttl: '1h', inputTokens: 800 }] },
    },
    expected: { inputTokens: 10, outputTokens: 5, cacheWriteTokens: 800, cacheWrite1hTokens: 800 },
    totalInput: 810,
  },
  {
    name: 'Converse: absent usage → nothing',
    source: { format: 'converse', usage: undefined },
    expected: {},
  },
  {
    name: 'ConverseStream: usage arrives in metadata after messageStop',
    source: {
      format: 'converse-stream',
      usage: {
        inputTokens: 12,
        outputTokens: 3,
        totalTokens: 315,
        cacheReadInputTokens: 300,
      },
    },
    expected: { inputTokens: 12, outputTokens: 3, cacheReadTokens: 300 },
    totalInput: 312,
  },

  // OpenAI: prompt_tokens INCLUDES cached_tokens (and cache_write_tokens on newer models).
  {
    name: 'OpenAI: cached_tokens are inside prompt_tokens → subtracted from input',
    source: {
      format: 'openai',
      usage: {
        prompt_tokens: 2_006,
        completion_tokens: 300,
        total_tokens: 2_306,
        prompt_tokens_details: { cached_tokens: 1_920 },
      },
    },
    expected: { inputTokens: 86, cacheReadTokens: 1_920, outputTokens: 300 },
    totalInput: 2_006,
  },
  {
    name: 'OpenAI: cache_write_tokens inside prompt_tokens too; reasoning is part of output',
    source: {
      format: 'openai',
      usage: {
        prompt_tokens: 5_000,
        completion_tokens: 900,
        prompt_tokens_details: { cached_tokens: 1_000, cache_write_tokens: 3_000 },
        completion_tokens_details: { reasoning_tokens: 600 },
      },
    },
    expected: {
      inputTokens: 1_000,
      cacheReadTokens: 1_000,
      cacheWriteTokens: 3_000,
      outputTokens: 900,
      reasoningTokens: 600,
    },
    totalInput: 5_000,
  },
  {
    name: 'OpenAI: no prompt_tokens_details → cache absent (not "no cache hit")',
    source: { format: 'openai', usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } },
    expected: { inputTokens: 12, outputTokens: 3 },
    totalInput: 12,
  },
  {
    name: 'OpenAI: usage null → nothing',
    source: { format: 'openai', usage: null },
    expected: {},
  },

  // Streams.
  {
    name: 'Anthropic stream: input and cache from message_start, cumulative output from the last message_delta',
    source: {
      format: 'anthropic-stream',
      events: anthropicStream(
        {
          input_tokens: 8,
          cache_read_input_tokens: 4_000,
          cache_creation_input_tokens: 0,
          output_tokens: 1,
        },
        { output_tokens: 40 },
        { output_tokens: 95 },
      ),
    },
    expected: { inputTokens: 8, cacheReadTokens: 4_000, cacheWriteTokens: 0, outputTokens: 95 },
    totalInput: 4_008,
  },
  {
    name: 'Anthropic stream: a message_delta that repeats input and cache (newer API) replaces, never adds',
    source: {
      format: 'anthropic-stream',
      events: anthropicStream(
        { input_tokens: 8, cache_creation_input_tokens: 600, output_tokens: 1 },
        {
          input_tokens: 8,
          cache_creation_input_tokens: 600,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 600 },
          output_tokens: 20,
        },
      ),
    },
    expected: {
      inputTokens: 8,
      cacheWriteTokens: 600,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 600,
      outputTokens: 20,
    },
    totalInput: 608,
  },
  {
    name: 'OpenAI stream: usage only in the final chunk (choices: []), cached inside prompt_tokens',
    source: {
      format: 'openai-stream',
      chunks: [
        openaiChunk({
          choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }],
          usage: null,
        }),
        openaiChunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null }),
        openaiChunk({
          choices: [],
          usage: {
            prompt_tokens: 1_500,
            completion_tokens: 2,
            total_tokens: 1_502,
            prompt_tokens_details: { cached_tokens: 1_024 },
          },
        }),
      ],
    },
    expected: { inputTokens: 476, cacheReadTokens: 1_024, outputTokens: 2 },
    totalInput: 1_500,
  },
];

async function finishUsage(events: AsyncIterable<StreamEvent>): Promise<Usage> {
  let usage: Usage | undefined;
  for await (const event of events) if (event.type === 'finish') usage = event.usage;
  assert.ok(usage, 'the stream finished with usage');
  return usage;
}

async function canonical(source: Source): Promise<Usage> {
  switch (source.format) {
    case 'anthropic':
      return convertAnthropicUsage(source.usage);
    case 'bedrock-invoke': {
      const adapter = createBedrockInvokeAdapter();
      const body = {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [{ type: 'text', text: 'Hi' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        ...(source.body === undefined ? {} : { usage: source.body }),
      };
      const viaAdapter = adapter.decodeResponse(utf8.encode(JSON.stringify(body)), source.headers ?? {});
      // The adapter and the exported functions must agree.
      assert.deepEqual(
        viaAdapter.usage,
        reconcileBedrockInvokeUsage(
          convertAnthropicUsage(source.body),
          meteredUsageFromHeaders(source.headers ?? {}),
        ),
      );
      return viaAdapter.usage;
    }
    case 'bedrock-invoke-stream': {
      const frames = source.events.map((event, i) =>
        invokeChunkFrame(
          i === source.events.length - 1 && source.metrics !== undefined
            ? { ...(event as object), 'amazon-bedrock-invocationMetrics': source.metrics }
            : event,
        ),
      );
      assert.ok(Object.keys(meteredUsageFromInvocationMetrics(source.metrics)).length > 0);
      return finishUsage(createBedrockInvokeAdapter().decodeStream(bodyOf(frames), {}));
    }
    case 'converse':
      return convertConverseUsage(
        source.usage === undefined ? undefined : converseUsageSchema.parse(source.usage),
      );
    case 'converse-stream': {
      const frames = [
        eventFrame('messageStart', { role: 'assistant' }),
        eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }),
        eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
        eventFrame('messageStop', { stopReason: 'end_turn' }),
        eventFrame('metadata', { usage: source.usage, metrics: { latencyMs: 5 } }),
      ];
      return finishUsage(createBedrockConverseAdapter().decodeStream(bodyOf(frames), {}));
    }
    case 'openai':
      return fromOpenAIUsage(source.usage);
    case 'anthropic-stream':
      return finishUsage(
        createAnthropicAdapter().decodeStream(bodyOf([utf8.encode(sse(source.events))]), {}),
      );
    case 'openai-stream': {
      const text = `${source.chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`;
      return finishUsage(createOpenAIAdapter().decodeStream(bodyOf([utf8.encode(text)]), {}));
    }
  }
}

for (const c of CASES) {
  test(`usage conformance — ${c.name}`, async () => {
    const usage = await canonical(c.source);
    assert.deepEqual(usage, c.expected);
    if (c.totalInput !== undefined) assert.equal(totalInputTokens(usage), c.totalInput);
    // Of the write total, the TTL split never claims more than was written.
    if (usage.cacheWrite5mTokens !== undefined || usage.cacheWrite1hTokens !== undefined)
      assert.ok(
        (usage.cacheWrite5mTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0) <= (usage.cacheWriteTokens ?? -1),
      );
  });
}
