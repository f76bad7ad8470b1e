import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as simulator from './index.js';

test('the public surface is exactly these runtime exports', () => {
  assert.deepEqual(Object.keys(simulator).sort(), [
    'IMAGE_TOKENS',
    'countTokens',
    'createManualClock',
    'defaultModels',
    'simulatedReplyText',
    'simulatedToolResultReplyText',
    'startSimulator',
    'systemClock',
  ]);
});

test('startSimulator answers on both transports, and close() releases the ports', async () => {
  const sim = await simulator.startSimulator();
  assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(sim.http2Url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const health = await fetch(`${sim.url}/_sim/health`);
  assert.deepEqual(await health.json(), { ok: true });
  await sim.close();
  await assert.rejects(fetch(`${sim.url}/_sim/health`));
});
