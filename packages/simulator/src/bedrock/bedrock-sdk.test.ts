import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ValidationException,
  type ContentBlock,
  type Message,
  type TokenUsage,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { canonicalJson } from '../prompt/token-count.js';
import {
  IMAGE_TOKENS,
  countTokens,
  simulatedReplyText,
  simulatedToolResultReplyText,
  startSimulator,
  type Simulator,
} from '../index.js';

const PIXEL = readFileSync(new URL('../__fixtures__/pixel.png', import.meta.url));
const credentials = { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator-secret' };
const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const decoder = new TextDecoder();

function invokeBody(content: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 256,
    messages: [{ role: 'user', content }],
    ...extra,
  });
}

const weatherToolConfig = {
  tools: [
    {
      toolSpec: {
        name: 'get_weather',
        description: 'Weather',
        inputSchema: {
          json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    },
  ],
};

describe('Bedrock runtime through the official AWS SDK', () => {
  let sim: Simulator;
  let clients: Array<[string, BedrockRuntimeClient]>;
  before(async () => {
    sim = await startSimulator({ bedrockCredentials: credentials });
    clients = [
      [
        'HTTP/1.1 (NodeHttpHandler)',
        new BedrockRuntimeClient({
          region: 'us-east-1',
          endpoint: sim.url,
          credentials,
          requestHandler: new NodeHttpHandler(),
          maxAttempts: 1,
        }),
      ],
      [
        'HTTP/2 (default handler)',
        new BedrockRuntimeClient({
          region: 'us-east-1',
          endpoint: sim.http2Url,
          credentials,
          maxAttempts: 1,
        }),
      ],
    ];
  });
  after(async () => {
    for (const [, c] of clients) c.destroy();
    await sim.close();
  });

  test('InvokeModel: Messages body, usage headers, URL-encoded profile id, verified SigV4', async () => {
    for (const [name, client] of clients) {
      const res = await client.send(
        new InvokeModelCommand({
          modelId: MODEL,
          contentType: 'application/json',
          accept: 'application/json',
          body: invokeBody('Hi Bedrock'),
        }),
      );
      const msg = JSON.parse(decoder.decode(res.body));
      assert.equal(msg.content[0].text, simulatedReplyText('Hi Bedrock'), name);
      assert.match(msg.id, /^msg_bdrk_/);
      assert.equal(msg.model, 'claude-sonnet-4-5-20250929');
      assert.equal(msg.usage.input_tokens, countTokens('Hi Bedrock'));
      assert.match(res.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
    }
    const recorded = sim.requests.filter((r) => r.provider === 'bedrock');
    assert.ok(
      recorded.some(
        (r) => r.path.includes('us.anthropic.claude-sonnet-4-5-20250929-v1%3A0') && r.transport === 'http2',
      ),
    );
    assert.ok(recorded.some((r) => r.transport === 'http1'));
    const headers = await fetch(`${sim.url}/model/${encodeURIComponent(MODEL)}/invoke`, {
      method: 'POST',
      headers: { authorization: 'Bearer bedrock-api-key', 'content-type': 'application/json' },
      body: invokeBody('Hi'),
    });
    assert.equal(headers.status, 200);
    assert.equal(headers.headers.get('x-amzn-bedrock-input-token-count'), String(countTokens('Hi')));
    assert.equal(
      headers.headers.get('x-amzn-bedrock-output-token-count'),
      String(countTokens(simulatedReplyText('Hi'))),
    );
    assert.equal(headers.headers.get('x-amzn-bedrock-cache-read-input-token-count'), '0');
  });

  test('InvokeModelWithResponseStream: chunk frames carrying Anthropic events, invocation metrics at the end', async () => {
    for (const [name, client] of clients) {
      const res = await client.send(
        new InvokeModelWithResponseStreamCommand({
          modelId: MODEL,
          body: invokeBody('Stream a few words for me please'),
        }),
      );
      const events = [];
      for await (const part of res.body!) {
        assert.ok(part.chunk?.bytes, name);
        events.push(JSON.parse(decoder.decode(part.chunk.bytes)));
      }
      const text = events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta.text);
      assert.ok(text.length >= 3);
      assert.equal(text.join(''), simulatedReplyText('Stream a few words for me please'));
      const last = events[events.length - 1];
      assert.equal(last.type, 'message_stop');
      assert.equal(
        last['amazon-bedrock-invocationMetrics'].inputTokenCount,
        countTokens('Stream a few words for me please'),
      );
      assert.equal(last['amazon-bedrock-invocationMetrics'].outputTokenCount, countTokens(text.join('')));
    }
  });

  test('Converse: text, image and a tool round trip', async () => {
    for (const [name, client] of clients) {
      const plain = await client.send(
        new ConverseCommand({
          modelId: MODEL,
          messages: [
            {
              role: 'user',
              content: [
                { text: 'What is in the picture?' },
                { image: { format: 'png', source: { bytes: PIXEL } } },
              ],
            },
          ],
        }),
      );
      assert.equal(
        plain.output?.message?.content?.[0]?.text,
        simulatedReplyText('What is in the picture?'),
        name,
      );
      assert.equal(plain.stopReason, 'end_turn');
      assert.equal(plain.usage?.inputTokens, countTokens('What is in the picture?') + IMAGE_TOKENS);
      assert.equal(plain.usage?.cacheReadInputTokens, undefined);

      sim.script.push({ toolCalls: [{ name: 'get_weather', input: { city: 'Lima' } }] });
      const messages: Message[] = [{ role: 'user', content: [{ text: 'Weather in Lima?' }] }];
      const first = await client.send(
        new ConverseCommand({ modelId: MODEL, messages, toolConfig: weatherToolConfig }),
      );
      assert.equal(first.stopReason, 'tool_use');
      const toolUse = first.output?.message?.content?.find((b: ContentBlock) => b.toolUse)?.toolUse;
      assert.ok(toolUse && toolUse.toolUseId?.startsWith('tooluse_'), name);
      assert.deepEqual(toolUse.input, { city: 'Lima' });
      const toolUseId = toolUse.toolUseId;
      messages.push(first.output!.message!, {
        role: 'user',
        content: [{ toolResult: { toolUseId, content: [{ text: 'Cloudy' }] } }],
      });
      const second = await client.send(
        new ConverseCommand({ modelId: MODEL, messages, toolConfig: weatherToolConfig }),
      );
      assert.equal(second.output?.message?.content?.[0]?.text, simulatedToolResultReplyText('Cloudy'));
    }
  });

  test('ConverseStream: text deltas, toolUse fragments, messageStop then metadata', async () => {
    for (const [name, client] of clients) {
      sim.script.push({
        text: 'Checking the weather now.',
        toolCalls: [{ name: 'get_weather', input: { city: 'Buenos Aires' } }],
      });
      const res = await client.send(
        new ConverseStreamCommand({
          modelId: MODEL,
          messages: [{ role: 'user', content: [{ text: 'Weather?' }] }],
          toolConfig: weatherToolConfig,
        }),
      );
      const kinds: string[] = [];
      let text = '';
      let input = '';
      let toolName: string | undefined;
      let usage: TokenUsage | undefined;
      for await (const event of res.stream!) {
        const kind = Object.keys(event).find(
          (k) => (event as unknown as Record<string, unknown>)[k] !== undefined,
        )!;
        kinds.push(kind);
        if (event.contentBlockStart?.start?.toolUse) toolName = event.contentBlockStart.start.toolUse.name;
        if (event.contentBlockDelta?.delta?.text) text += event.contentBlockDelta.delta.text;
        if (event.contentBlockDelta?.delta?.toolUse)
          input += event.contentBlockDelta.delta.toolUse.input ?? '';
        if (event.metadata) usage = event.metadata.usage;
      }
      assert.equal(text, 'Checking the weather now.', name);
      assert.equal(toolName, 'get_weather');
      assert.deepEqual(JSON.parse(input), { city: 'Buenos Aires' });
      assert.equal(kinds[0], 'messageStart');
      assert.deepEqual(kinds.slice(-2), ['messageStop', 'metadata']);
      // Tool definitions count too: the canonical JSON of each toolSpec.
      assert.equal(
        usage?.inputTokens,
        countTokens('Weather?') + countTokens(canonicalJson(weatherToolConfig.tools[0]!.toolSpec)),
      );
      assert.equal(
        usage?.outputTokens,
        countTokens('Checking the weather now.') +
          countTokens(`get_weather${canonicalJson({ city: 'Buenos Aires' })}`),
      );
    }
  });

  test('request validation: anthropic_version required, no model field, toolResult must answer toolUse', async () => {
    const [, client] = clients[0]!;
    await assert.rejects(
      client.send(
        new InvokeModelCommand({
          modelId: MODEL,
          body: JSON.stringify({ max_tokens: 5, messages: [{ role: 'user', content: 'a' }] }),
        }),
      ),
      (e: unknown) =>
        e instanceof ValidationException && /required key \[anthropic_version\] not found/.test(e.message),
    );
    await assert.rejects(
      client.send(new InvokeModelCommand({ modelId: MODEL, body: invokeBody('a', { model: 'claude' }) })),
      (e: unknown) => e instanceof ValidationException && /extraneous key \[model\]/.test(e.message),
    );
    await assert.rejects(
      client.send(
        new ConverseCommand({
          modelId: MODEL,
          toolConfig: weatherToolConfig,
          messages: [
            { role: 'user', content: [{ text: 'a' }] },
            { role: 'assistant', content: [{ text: 'b' }] },
            { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_x', content: [{ text: 'r' }] } }] },
          ],
        }),
      ),
      (e: unknown) =>
        e instanceof ValidationException && /exceeds the number of toolUse blocks/.test(e.message),
    );
    await assert.rejects(
      client.send(
        new ConverseCommand({
          modelId: 'anthropic.claude-nope-v1:0',
          messages: [{ role: 'user', content: [{ text: 'a' }] }],
        }),
      ),
      (e: unknown) => e instanceof ValidationException && /model identifier is invalid/.test(e.message),
    );
  });

  test('SigV4: a wrong secret or a wrong signing service is refused; a Bearer API key is accepted', async () => {
    const wrong = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: sim.url,
      credentials: { ...credentials, secretAccessKey: 'nope' },
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
    await assert.rejects(
      wrong.send(new InvokeModelCommand({ modelId: MODEL, body: invokeBody('a') })),
      (e: unknown) => {
        const err = e as { name: string; $metadata: { httpStatusCode: number } };
        return err.name === 'InvalidSignatureException' && err.$metadata.httpStatusCode === 403;
      },
    );
    wrong.destroy();
    const res = await fetch(`${sim.url}/model/${encodeURIComponent(MODEL)}/converse`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDSIMULATOR/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abcd',
      },
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'a' }] }] }),
    });
    assert.equal(res.status, 403);
    assert.match(res.headers.get('x-amzn-errortype') ?? '', /^InvalidSignatureException/);
    const missing = await fetch(`${sim.url}/model/${encodeURIComponent(MODEL)}/converse`, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(missing.status, 403);
    assert.deepEqual(await missing.json(), { message: 'Missing Authentication Token' });
  });
});
