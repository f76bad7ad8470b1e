// The official AWS SDK is the referee of the wire: it sends the same logical requests to a local server, where
// we compare them with ours byte for byte (path, body, signature), and it parses the responses and streams
// our decoders read, proving the fixtures are real Bedrock wire.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { UpstreamError } from '@rampart/spec';
import type { ChatRequest } from '@rampart/spec';
import { createBedrockConverseAdapter } from './create-bedrock-converse-adapter.js';
import { createBedrockInvokeAdapter } from './create-bedrock-invoke-adapter.js';
import { signBedrockRequest } from './sign-bedrock-request.js';
import {
  bodyOf,
  drain,
  eventFrame,
  exceptionFrame,
  invokeChunkFrame,
  joinBytes,
} from './__fixtures__/event-stream.js';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/key+1', sessionToken: 'token-1' };
const PNG_BYTES = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const CONVERSE_RESPONSE = fixture('converse-response-tool-use.json');
const CONVERSE_STREAM = fixture('converse-stream-tool-use.json') as Array<{
  eventType: string;
  payload: unknown;
}>;
const INVOKE_STREAM = fixture('invoke-stream-text.json') as unknown[];

interface Captured {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}
/** What the server answers next, per path suffix; the default is the happy fixture for that operation. */
let override: { status: number; headers: Record<string, string>; body: Uint8Array | string } | undefined;
const captured: Captured[] = [];
let server: Server;
let endpoint: string;

function answer(path: string): {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
} {
  const eventStream = { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'req-sdk' };
  if (path.endsWith('/converse-stream')) {
    return {
      status: 200,
      headers: eventStream,
      body: joinBytes(CONVERSE_STREAM.map((e) => eventFrame(e.eventType, e.payload))),
    };
  }
  if (path.endsWith('/invoke-with-response-stream')) {
    return {
      status: 200,
      headers: eventStream,
      body: joinBytes(INVOKE_STREAM.map((e) => invokeChunkFrame(e))),
    };
  }
  if (path.endsWith('/converse')) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(CONVERSE_RESPONSE),
    };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
}

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      captured.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = override ?? answer(path);
      override = undefined;
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  // The SDK keeps connections alive; close() alone would wait for them to time out.
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function sdk(): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint,
    credentials: CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}

const target = () => ({
  baseUrl: endpoint,
  region: 'us-east-1',
  model: MODEL,
  credentials: { kind: 'aws-sigv4' as const, ...CREDENTIALS },
});

/** Drains a stream the SDK returned (present whenever the call succeeded). */
async function drainSdk<T>(stream: AsyncIterable<T> | undefined): Promise<{ events: T[]; error: unknown }> {
  assert.ok(stream, 'the SDK returned no stream');
  return drain(stream);
}

function lastCaptured(): Captured {
  const last = captured.at(-1);
  assert.ok(last, 'the server saw no request');
  return last;
}

/** SignedHeaders of an Authorization header. */
const signedHeaders = (authorization: unknown) =>
  /SignedHeaders=([^,]+)/.exec(String(authorization))?.[1]?.split(';') ?? [];
/** Headers only the SDK adds (its own bookkeeping), and the length the transport sets. */
const SDK_ONLY = new Set(['amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-user-agent', 'content-length']);

/** x-amz-date (yyyymmddThhmmssZ) → Date. */
function amzDate(value: unknown): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(value));
  assert.ok(m, `bad x-amz-date ${String(value)}`);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

/**
 * Re-signs exactly what the SDK sent with our signer at the SDK's time: equal signatures prove our canonical
 * request (path double-encoding, header canonicalization, body hash) is the SDK's.
 */
async function assertSameSignature(sent: Captured): Promise<void> {
  const names = signedHeaders(sent.headers['authorization']);
  const headers: Record<string, string> = {};
  for (const name of names) {
    if (['host', 'x-amz-date', 'x-amz-security-token'].includes(name)) continue;
    headers[name] = String(sent.headers[name]);
  }
  const ours = await signBedrockRequest({
    url: `${endpoint}${sent.path}`,
    headers,
    body: sent.body,
    credentials: { kind: 'aws-sigv4', ...CREDENTIALS },
    region: 'us-east-1',
    now: amzDate(sent.headers['x-amz-date']),
  });
  assert.equal(ours['authorization'], sent.headers['authorization']);
}

const CANONICAL: ChatRequest = {
  model: 'sonnet',
  stream: false,
  system: [{ type: 'text', text: 'You are terse.', cacheControl: { type: 'ephemeral', ttl: '1h' } }],
  tools: [
    {
      name: 'get_weather',
      description: 'Weather',
      inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
    },
  ],
  toolChoice: { type: 'any' },
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather in Paris? 🌧' },
        {
          type: 'image',
          source: { kind: 'base64', mediaType: 'image/png', data: Buffer.from(PNG_BYTES).toString('base64') },
        },
      ],
    },
    {
      role: 'assistant',
      content: [{ type: 'tool_call', id: 'tu_1', name: 'get_weather', input: { city: 'Paris' } }],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          toolCallId: 'tu_1',
          isError: true,
          content: [{ type: 'text', text: 'down' }],
          cacheControl: { type: 'ephemeral' },
        },
      ],
    },
  ],
  maxTokens: 300,
  temperature: 0.5,
  stop: ['END'],
  topK: 20,
};

// The same request written for the SDK, field by field from Bedrock's Converse API reference.
const SDK_INPUT = {
  modelId: MODEL,
  system: [{ text: 'You are terse.' }, { cachePoint: { type: 'default' as const, ttl: '1h' as const } }],
  toolConfig: {
    tools: [
      {
        toolSpec: {
          name: 'get_weather',
          description: 'Weather',
          inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } },
        },
      },
    ],
    toolChoice: { any: {} },
  },
  messages: [
    {
      role: 'user' as const,
      content: [
        { text: 'Weather in Paris? 🌧' },
        { image: { format: 'png' as const, source: { bytes: PNG_BYTES } } },
      ],
    },
    {
      role: 'assistant' as const,
      content: [{ toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Paris' } } }],
    },
    {
      role: 'user' as const,
      content: [
        { toolResult: { toolUseId: 'tu_1', content: [{ text: 'down' }], status: 'error' as const } },
        { cachePoint: { type: 'default' as const } },
      ],
    },
  ],
  inferenceConfig: { maxTokens: 300, temperature: 0.5, stopSequences: ['END'] },
  additionalModelRequestFields: { top_k: 20 },
};

test('Converse: our request equals the SDK request (path, body, signed headers, signature)', async () => {
  await sdk().send(new ConverseCommand(SDK_INPUT));
  const theirs = lastCaptured();
  const ours = await createBedrockConverseAdapter().encodeRequest(CANONICAL, target());
  assert.equal(new URL(ours.url).pathname, theirs.path);
  assert.equal(theirs.path, '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse');
  assert.deepEqual(JSON.parse(ours.body), JSON.parse(theirs.body));
  assert.deepEqual(
    signedHeaders(ours.headers['authorization']),
    signedHeaders(theirs.headers['authorization']).filter((h) => !SDK_ONLY.has(h)),
  );
  await assertSameSignature(theirs);

  const streamed = await createBedrockConverseAdapter().encodeRequest(
    { ...CANONICAL, stream: true },
    target(),
  );
  await sdk()
    .send(new ConverseStreamCommand(SDK_INPUT))
    .then((r) => drainSdk(r.stream));
  assert.equal(new URL(streamed.url).pathname, lastCaptured().path);
  assert.deepEqual(JSON.parse(streamed.body), JSON.parse(lastCaptured().body));
});

const { tools: _tools, toolChoice: _toolChoice, ...noTools } = CANONICAL;

test('InvokeModel: same path and signature as the SDK for our body, streamed and not', async () => {
  const adapter = createBedrockInvokeAdapter();
  for (const stream of [false, true]) {
    const ours = await adapter.encodeRequest({ ...noTools, stream }, target());
    const input = {
      modelId: MODEL,
      body: ours.body,
      contentType: 'application/json',
      accept: 'application/json',
    };
    if (stream)
      await sdk()
        .send(new InvokeModelWithResponseStreamCommand(input))
        .then((r) => drainSdk(r.body));
    else await sdk().send(new InvokeModelCommand(input));
    const theirs = lastCaptured();
    assert.equal(new URL(ours.url).pathname, theirs.path);
    assert.equal(ours.body, theirs.body);
    assert.deepEqual(
      signedHeaders(ours.headers['authorization']),
      signedHeaders(theirs.headers['authorization']).filter((h) => !SDK_ONLY.has(h)),
    );
    await assertSameSignature(theirs);
  }
});

test('the SDK parses our Converse fixtures as we do', async () => {
  const response = await sdk().send(new ConverseCommand(SDK_INPUT));
  const decoded = createBedrockConverseAdapter().decodeResponse(
    new TextEncoder().encode(JSON.stringify(CONVERSE_RESPONSE)),
    {},
  );
  assert.equal(response.stopReason, 'tool_use');
  assert.deepEqual(response.output?.message?.content, [
    { text: 'Let me check the weather.' },
    { toolUse: { toolUseId: 'tooluse_abc123', name: 'get_weather', input: { city: 'Paris' } } },
  ]);
  assert.equal(response.usage?.cacheWriteInputTokens, decoded.usage.cacheWriteTokens);
  assert.equal(response.usage?.cacheReadInputTokens, decoded.usage.cacheReadTokens);
  assert.equal(response.usage?.inputTokens, decoded.usage.inputTokens);

  const stream = await sdk().send(new ConverseStreamCommand(SDK_INPUT));
  const { events, error } = await drainSdk(stream.stream);
  assert.equal(error, undefined);
  assert.deepEqual(
    events,
    CONVERSE_STREAM.map((e) => ({ [e.eventType]: e.payload })),
  );
});

test('the SDK parses our InvokeModel stream fixture (chunk bytes = the Anthropic events, metrics included)', async () => {
  const response = await sdk().send(new InvokeModelWithResponseStreamCommand({ modelId: MODEL, body: '{}' }));
  const { events, error } = await drainSdk(response.body);
  assert.equal(error, undefined);
  const decoded = events.map((e) => JSON.parse(new TextDecoder().decode(e.chunk?.bytes)) as unknown);
  assert.deepEqual(decoded, INVOKE_STREAM);
});

test('the SDK and our decoder agree on exception frames and HTTP errors', async () => {
  override = {
    status: 200,
    headers: { 'content-type': 'application/vnd.amazon.eventstream' },
    body: joinBytes([
      eventFrame('messageStart', { role: 'assistant' }),
      eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }),
      exceptionFrame('throttlingException', { message: 'Too many tokens, please wait.' }),
    ]),
  };
  const bytes = override.body as Uint8Array;
  const stream = await sdk().send(new ConverseStreamCommand(SDK_INPUT));
  const theirs = await drainSdk(stream.stream);
  assert.equal(theirs.events.length, 2);
  assert.equal((theirs.error as Error).name, 'ThrottlingException');
  assert.equal((theirs.error as Error).message, 'Too many tokens, please wait.');
  const ours = await drain(createBedrockConverseAdapter().decodeStream(bodyOf([bytes]), {}));
  assert.ok(ours.error instanceof UpstreamError);
  assert.equal(ours.error.upstreamType, 'throttlingException');
  assert.equal(ours.error.responseStarted, true);
  assert.match(ours.error.message, /Too many tokens, please wait\./);

  const errorHeaders = {
    'content-type': 'application/json',
    'x-amzn-errortype': 'ModelNotReadyException:http://internal.amazon.com/coral/com.amazon.bedrock/',
    'x-amzn-requestid': 'req-err',
  };
  const errorBody = '{"message":"Model is not ready for inference."}';
  override = { status: 429, headers: errorHeaders, body: errorBody };
  await assert.rejects(
    sdk().send(new ConverseCommand(SDK_INPUT)),
    (error: Error & { $metadata?: { requestId?: string } }) => {
      assert.equal(error.name, 'ModelNotReadyException');
      assert.equal(error.message, 'Model is not ready for inference.');
      assert.equal(error.$metadata?.requestId, 'req-err');
      return true;
    },
  );
  const decoded = createBedrockConverseAdapter().decodeError(
    429,
    errorHeaders,
    new TextEncoder().encode(errorBody),
  );
  assert.equal(decoded.upstreamType, 'ModelNotReadyException');
  assert.equal(decoded.upstreamRequestId, 'req-err');
  assert.equal(decoded.code, 'upstream_unavailable');
});
