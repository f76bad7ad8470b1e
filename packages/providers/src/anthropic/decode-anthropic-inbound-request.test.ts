import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequestError } from '@rampart/spec';
import { decodeAnthropicInboundRequest } from './decode-anthropic-inbound-request.js';
import { checkAnthropicVersionRules } from './check-anthropic-version-rules.js';
import { encodeAnthropicMessagesBody } from './encode-anthropic-messages-body.js';

const valid = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

function rejects(body: unknown, param: string | undefined, code: string, message: RegExp): void {
  try {
    decodeAnthropicInboundRequest(body);
  } catch (error) {
    assert.ok(error instanceof InvalidRequestError, String(error));
    assert.equal(error.param, param, `param of ${JSON.stringify(body)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    assert.equal(error.status, 400);
    return;
  }
  assert.fail(`accepted ${JSON.stringify(body)}`);
}

const block = (b: unknown) => ({ ...valid, messages: [{ role: 'user', content: [b] }] });

test('decode errors name the exact param, in Anthropic wording', () => {
  rejects('nope', undefined, 'invalid_request', /JSON object/);
  rejects(
    { model: 'm', messages: valid.messages },
    'max_tokens',
    'invalid_request',
    /^max_tokens: Field required$/,
  );
  rejects({ ...valid, max_tokens: 1.5 }, 'max_tokens', 'invalid_request', /valid integer/);
  rejects({ ...valid, messages: [] }, 'messages', 'invalid_request', /at least one message is required/);
  rejects(
    { ...valid, messages: [{ role: 'system', content: 'x' }] },
    'messages[0].role',
    'invalid_request',
    /^messages\.0\.role: Input should be 'user' or 'assistant'$/,
  );
  rejects(
    block({ type: 'text' }),
    'messages[0].content[0].text',
    'invalid_request',
    /^messages\.0\.content\.0\.text: Field required$/,
  );
  rejects(
    block({ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'x' } }),
    'messages[0].content[0].source.media_type',
    'invalid_request',
    /image\/png/,
  );
  rejects(
    block({ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '2h' } }),
    'messages[0].content[0].cache_control.ttl',
    'invalid_request',
    /'5m' or '1h'/,
  );
  rejects(block({ type: 'bogus' }), 'messages[0].content[0].type', 'invalid_request', /Input tag 'bogus'/);
  rejects({ ...valid, temperature: 1.5 }, 'temperature', 'invalid_request', /less than or equal to 1/);
  rejects(
    { ...valid, tool_choice: { type: 'tool' } },
    'tool_choice.name',
    'invalid_request',
    /Field required/,
  );
  rejects(
    { ...valid, tools: [{ name: 't', input_schema: { type: 'string' } }] },
    'tools[0].input_schema.type',
    'invalid_request',
    /'object'/,
  );
  rejects(
    { ...valid, system: [{ type: 'image' }] },
    'system[0].type',
    'invalid_request',
    /Input should be 'text'/,
  );
  rejects({ ...valid, metadata: { user_id: 5 } }, 'metadata.user_id', 'invalid_request', /valid string/);
  rejects({ ...valid, stream: 'yes' }, 'stream', 'invalid_request', /valid boolean/);
  rejects({ ...valid, stop_sequences: 'END' }, 'stop_sequences', 'invalid_request', /valid list/);
});

test('content the gateway cannot carry is unsupported_content naming the param', () => {
  rejects(
    block({ type: 'document', source: { type: 'text', data: 'x' } }),
    'messages[0].content[0].type',
    'unsupported_content',
    /'document' is not supported/,
  );
  rejects(
    {
      ...valid,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }] },
      ],
    },
    'messages[1].content[0].type',
    'unsupported_content',
    /'thinking'/,
  );
  rejects(
    block({ type: 'image', source: { type: 'file', file_id: 'f' } }),
    'messages[0].content[0].source.type',
    'unsupported_content',
    /'file'/,
  );
  rejects(
    { ...valid, tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
    'tools[0].type',
    'unsupported_content',
    /web_search_20250305/,
  );
  rejects(
    { ...valid, thinking: { type: 'enabled', budget_tokens: 2000 } },
    'thinking',
    'unsupported_content',
    /thinking/,
  );
  rejects(
    block({ type: 'tool_result', tool_use_id: 't', content: [{ type: 'document', source: {} }] }),
    'messages[0].content[0].content[0].type',
    'unsupported_content',
    /document/,
  );
});

test('blocks in the wrong role are rejected', () => {
  rejects(
    block({ type: 'tool_use', id: 't', name: 'n', input: {} }),
    'messages[0].content[0].type',
    'invalid_request',
    /not allowed in user messages/,
  );
  rejects(
    { ...valid, messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 't' }] }] },
    'messages[0].content[0].type',
    'invalid_request',
    /not allowed in assistant messages/,
  );
});

test('a full request decodes with cache_control on every block type and re-encodes to the same breakpoints', () => {
  const schema = { properties: { q: { type: 'string' } }, type: 'object', required: ['q'] };
  const body = {
    model: 'claude-sonnet-4-5',
    max_tokens: 512,
    system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral', ttl: '1h' } }],
    tools: [
      {
        name: 'search',
        description: 'd',
        input_schema: schema,
        cache_control: { type: 'ephemeral', ttl: '1h' },
      },
    ],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look', cache_control: { type: 'ephemeral' } },
          {
            type: 'image',
            source: { type: 'url', url: 'https://x/y.png' },
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'ok', citations: null },
          {
            type: 'tool_use',
            id: 'toolu_1',
            name: 'search',
            input: { z: 1, a: 2 },
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_1',
            content: 'found',
            is_error: true,
            cache_control: { type: 'ephemeral', ttl: '5m' },
          },
        ],
      },
    ],
    stop_sequences: ['STOP'],
    top_k: 5,
    stream: true,
    metadata: { user_id: 'u-1' },
    service_tier: 'auto',
  };
  const { request, options } = decodeAnthropicInboundRequest(body);
  assert.deepEqual(options, { model: 'claude-sonnet-4-5', stream: true });
  assert.equal(request.user, 'u-1');
  assert.equal(request.topK, 5);
  assert.deepEqual(request.toolChoice, { type: 'auto', disableParallel: true });
  assert.deepEqual(request.messages[2], {
    role: 'user',
    content: [
      {
        type: 'tool_result',
        toolCallId: 'toolu_1',
        content: [{ type: 'text', text: 'found' }],
        isError: true,
        cacheControl: { type: 'ephemeral', ttl: '5m' },
      },
    ],
  });
  const out = encodeAnthropicMessagesBody(request);
  // The client's JSON Schema and tool input keep their key order: the cache hashes bytes.
  assert.equal(
    JSON.stringify((out['tools'] as Array<{ input_schema: unknown }>)[0]?.input_schema),
    JSON.stringify(schema),
  );
  assert.equal(JSON.stringify(out['system']), JSON.stringify(body.system));
  const outMessages = out['messages'] as Array<{ content: unknown[] }>;
  assert.equal(JSON.stringify(outMessages[0]?.content), JSON.stringify(body.messages[0]?.content));
  assert.equal(
    JSON.stringify(outMessages[1]?.content[1]),
    '{"type":"tool_use","id":"toolu_1","name":"search","input":{"z":1,"a":2},"cache_control":{"type":"ephemeral"}}',
  );
});

test('string content and string system become text blocks; an empty system is none', () => {
  const { request } = decodeAnthropicInboundRequest({ ...valid, system: 'be brief' });
  assert.deepEqual(request.system, [{ type: 'text', text: 'be brief' }]);
  assert.deepEqual(request.messages, [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  assert.equal(request.stream, false);
  assert.equal(decodeAnthropicInboundRequest({ ...valid, system: '' }).request.system, undefined);
});

test('version rules: sampling parameters are rejected from 2026-10-21 on', () => {
  checkAnthropicVersionRules('2023-06-01', { ...valid, temperature: 0.5 });
  checkAnthropicVersionRules(undefined, { ...valid, top_k: 3 });
  checkAnthropicVersionRules('2026-10-21', valid);
  for (const field of ['temperature', 'top_p', 'top_k']) {
    assert.throws(
      () => checkAnthropicVersionRules('2026-10-21', { ...valid, [field]: 0.5 }),
      (e: unknown) => e instanceof InvalidRequestError && e.param === field,
    );
  }
});
