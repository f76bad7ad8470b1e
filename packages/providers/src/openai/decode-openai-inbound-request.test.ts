import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequestError } from '@rampart/spec';
import { openaiInboundCodec } from './openai-inbound-codec.js';

const decode = (body: unknown) => openaiInboundCodec.decodeRequest(body);

test('decodes a full request into the canonical form', () => {
  const decoded = decode({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBO\nRw0=', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
        ],
      },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
          { id: 'call_2', type: 'function', function: { name: 'now', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '12:00' }] },
      { role: 'system', content: 'Reminder: be brief.' },
      { role: 'user', content: 'Thanks' },
      { role: 'assistant', content: null },
    ],
    tools: [
      {
        type: 'function',
        function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } },
      },
      { type: 'function', function: { name: 'now' } },
    ],
    tool_choice: 'required',
    parallel_tool_calls: false,
    max_tokens: 100,
    max_completion_tokens: 200,
    temperature: 0.5,
    top_p: 1,
    stop: 'END',
    stream: true,
    stream_options: { include_usage: true },
    user: 'u-1',
    seed: 42,
    logit_bias: { '50256': -100 },
  });
  assert.deepEqual(decoded, {
    request: {
      model: 'gpt-4o',
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Use tools.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather?' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0=' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'tool_call', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_call', id: 'call_2', name: 'now', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', toolCallId: 'call_1', content: [{ type: 'text', text: '18°C' }] },
            { type: 'tool_result', toolCallId: 'call_2', content: [{ type: 'text', text: '12:00' }] },
            // A later system message is folded in place into the user side.
            { type: 'text', text: 'Reminder: be brief.' },
            { type: 'text', text: 'Thanks' },
          ],
        },
        // The trailing empty assistant message is dropped.
      ],
      tools: [
        { name: 'get_weather', description: 'Weather', inputSchema: { type: 'object' } },
        { name: 'now', inputSchema: { type: 'object', properties: {} } },
      ],
      toolChoice: { type: 'any', disableParallel: true },
      maxTokens: 200,
      temperature: 0.5,
      topP: 1,
      stop: ['END'],
      stream: true,
      user: 'u-1',
    },
    options: { model: 'gpt-4o', includeUsage: true },
  });
});

test('minimal request; tool_choice without tools is dropped; parallel_tool_calls alone gives auto', () => {
  assert.deepEqual(
    decode({ model: 'm', messages: [{ role: 'user', content: 'hi' }], tool_choice: 'auto', stream: false }),
    {
      request: {
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
        stream: false,
      },
      options: { model: 'm', includeUsage: false },
    },
  );
  const tools = [{ type: 'function', function: { name: 'f' } }];
  const decoded = decode({
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }],
    tools,
    parallel_tool_calls: false,
  });
  assert.deepEqual(decoded.request.toolChoice, { type: 'auto', disableParallel: true });
  const named = decode({
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }],
    tools,
    tool_choice: { type: 'function', function: { name: 'f' } },
  });
  assert.deepEqual(named.request.toolChoice, { type: 'tool', name: 'f' });
  const none = decode({
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }],
    tools,
    tool_choice: 'none',
  });
  assert.deepEqual(none.request.toolChoice, { type: 'none' });
});

// Each bad body must be rejected with the exact path of the problem and an OpenAI-style message.
const invalid: Array<[string, unknown, string | undefined, RegExp, string?]> = [
  ['body not an object', [], undefined, /must be a JSON object/],
  [
    'missing model',
    { messages: [{ role: 'user', content: 'x' }] },
    'model',
    /^Missing required parameter: 'model'\.$/,
  ],
  ['empty messages', { model: 'm', messages: [] }, 'messages', /^Invalid 'messages'/],
  [
    'bad role',
    { model: 'm', messages: [{ role: 'function', content: 'x' }] },
    'messages[0].role',
    /expected one of 'system', 'developer', 'user', 'assistant', 'tool'/,
  ],
  [
    'content of wrong type',
    { model: 'm', messages: [{ role: 'user', content: 5 }] },
    'messages[0].content',
    /^Invalid value for 'messages\[0\]\.content': expected string or array, but got number instead\.$/,
  ],
  [
    'image part without url',
    {
      model: 'm',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: [{ type: 'image_url', image_url: {} }] },
      ],
    },
    'messages[2].content[0].image_url.url',
    /^Missing required parameter: 'messages\[2\]\.content\[0\]\.image_url\.url'\.$/,
  ],
  [
    'image url with a bad scheme',
    {
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }],
    },
    'messages[0].content[0].image_url.url',
    /expected an http\(s\) URL or a base64 data URL/,
  ],
  [
    'malformed data URL',
    {
      model: 'm',
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,abc' } }] },
      ],
    },
    'messages[0].content[0].image_url.url',
    /data:<media type>;base64/,
  ],
  [
    'unknown part type',
    { model: 'm', messages: [{ role: 'user', content: [{ type: 'video', video: {} }] }] },
    'messages[0].content[0].type',
    /expected one of 'text', 'image_url', 'input_audio', 'file', 'refusal'/,
  ],
  [
    'audio part',
    { model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] },
    'messages[0].content[0].type',
    /not supported/,
    'unsupported_content',
  ],
  [
    'tool call arguments that are not JSON',
    {
      model: 'm',
      messages: [
        { role: 'user', content: 'x' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":' } }],
        },
      ],
    },
    'messages[1].tool_calls[0].function.arguments',
    /expected a JSON object encoded as a string/,
  ],
  [
    'tool call arguments that are JSON but not an object',
    {
      model: 'm',
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }],
        },
      ],
    },
    'messages[0].tool_calls[0].function.arguments',
    /JSON object/,
  ],
  [
    'tool message without tool_call_id',
    { model: 'm', messages: [{ role: 'tool', content: 'x' }] },
    'messages[0].tool_call_id',
    /^Missing required parameter/,
  ],
  [
    'temperature out of range',
    { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 3 },
    'temperature',
    /^Invalid 'temperature': expected number to be <=2\.$/,
  ],
  [
    'max_tokens not an integer',
    { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 1.5 },
    'max_tokens',
    /expected integer, but got number/,
  ],
  [
    'stop of wrong type',
    { model: 'm', messages: [{ role: 'user', content: 'x' }], stop: [1] },
    'stop[0]',
    /expected string, but got number/,
  ],
  [
    'tool_choice unknown string',
    { model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: 'sometimes' },
    'tool_choice',
    /expected 'auto' or 'none' or 'required' or object/,
  ],
  [
    'tool_choice names an undeclared tool',
    {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'f' } }],
      tool_choice: { type: 'function', function: { name: 'g' } },
    },
    'tool_choice.function.name',
    /no tool named 'g'/,
  ],
  [
    'tool without a name',
    { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: {} }] },
    'tools[0].function.name',
    /^Missing required parameter/,
  ],
  [
    'n > 1',
    { model: 'm', messages: [{ role: 'user', content: 'x' }], n: 2 },
    'n',
    /'n' must be 1/,
    'unsupported_content',
  ],
];

for (const [name, body, param, message, code = 'invalid_request'] of invalid) {
  test(`rejects ${name}`, () => {
    assert.throws(
      () => decode(body),
      (error: unknown) => {
        assert.ok(error instanceof InvalidRequestError, String(error));
        assert.equal(error.param, param);
        assert.match(error.message, message);
        assert.equal(error.code, code);
        assert.equal(error.status, 400);
        return true;
      },
    );
  });
}
