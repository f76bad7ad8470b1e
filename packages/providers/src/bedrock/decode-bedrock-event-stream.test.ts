import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BedrockFramingError, readBedrockFrames } from './decode-bedrock-event-stream.js';
import type { BedrockFrame } from './decode-bedrock-event-stream.js';
import {
  bodyOf,
  drain,
  eventFrame,
  exceptionFrame,
  joinBytes,
  randomChunks,
  seededRandom,
} from './__fixtures__/event-stream.js';

const summary = (frame: BedrockFrame) => ({
  kind: frame.kind,
  type: frame.kind === 'event' ? frame.eventType : frame.exceptionType,
  payload: JSON.parse(new TextDecoder().decode(frame.payload)) as unknown,
});

const FRAMES = [
  eventFrame('messageStart', { role: 'assistant' }),
  eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'é😀 multi-byte text' } }),
  exceptionFrame('throttlingException', { message: 'slow down' }),
];
const EXPECTED = [
  { kind: 'event', type: 'messageStart', payload: { role: 'assistant' } },
  {
    kind: 'event',
    type: 'contentBlockDelta',
    payload: { contentBlockIndex: 0, delta: { text: 'é😀 multi-byte text' } },
  },
  { kind: 'exception', type: 'throttlingException', payload: { message: 'slow down' } },
];

test('frames decode identically whatever the chunk boundaries (1-byte, random, whole)', async () => {
  const bytes = joinBytes(FRAMES);
  const chunkings = [[bytes], randomChunks(bytes, () => 0, 1)];
  for (let seed = 1; seed <= 50; seed++) chunkings.push(randomChunks(bytes, seededRandom(seed), 97));
  for (const chunks of chunkings) {
    const { events, error } = await drain(readBedrockFrames(bodyOf(chunks)));
    assert.equal(error, undefined);
    assert.deepEqual(events.map(summary), EXPECTED, `chunk sizes ${chunks.map((c) => c.length).join(',')}`);
  }
});

test('a body that stops inside a frame is truncated, not silently complete', async () => {
  const bytes = joinBytes(FRAMES);
  for (const cut of [bytes.length - 1, bytes.length - 20, FRAMES[0]!.length + 3]) {
    const { events, error } = await drain(
      readBedrockFrames(bodyOf(randomChunks(bytes.slice(0, cut), seededRandom(cut)))),
    );
    assert.ok(error instanceof BedrockFramingError && error.reason === 'truncated', String(error));
    assert.ok(events.length < FRAMES.length);
  }
});

test('a frame failing its checksum, or declaring an absurd length, is corrupt', async () => {
  const flipped = joinBytes(FRAMES);
  const at = FRAMES[0]!.length + 30;
  flipped[at] = flipped[at]! ^ 0xff;
  const crc = await drain(readBedrockFrames(bodyOf([flipped])));
  assert.equal(crc.events.length, 1);
  assert.ok(crc.error instanceof BedrockFramingError && crc.error.reason === 'corrupt');

  const garbage = await drain(
    readBedrockFrames(bodyOf([new TextEncoder().encode('{"message":"not a stream"}')])),
  );
  assert.ok(garbage.error instanceof BedrockFramingError && garbage.error.reason === 'corrupt');
});
