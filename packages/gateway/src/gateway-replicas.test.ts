// Two gateway processes sharing Redis see one circuit breaker: failures seen by one open it for both, and
// when it half-opens exactly one probe goes upstream across both replicas.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator } from '@rampart/simulator';
import { simulatedConfig } from './config/load-gateway-config.js';

let sim: Simulator;
const children: ChildProcess[] = [];
const urls: string[] = [];
const OPEN_MS = 1_500;

before(async () => {
  sim = await startSimulator();
  const config = {
    providers: simulatedConfig(sim.url).providers,
    breaker: { consecutive_failures: 2, open_ms: OPEN_MS },
    auth: { required: false },
    routes: {
      'claude-sonnet-4-5': {
        strategy: { mode: 'fallback' },
        targets: [{ provider: 'anthropic' }, { provider: 'bedrock' }],
      },
    },
  };
  const prefix = `rampart-test:${randomUUID()}:`;
  for (let i = 0; i < 2; i++) {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./testing/gateway-process.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          RAMPART_TEST_CONFIG: JSON.stringify(config),
          RAMPART_TEST_REDIS_PREFIX: prefix,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    urls.push(line.toString().trim());
  }
});

after(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.filter((child) => child.exitCode === null).map((child) => once(child, 'exit')));
  await sim.close();
});

async function ask(
  url: string,
): Promise<{ status: number; provider: string | null; attempts: string | null }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.text();
  return {
    status: response.status,
    provider: response.headers.get('x-rampart-provider'),
    attempts: response.headers.get('x-rampart-attempts'),
  };
}

const anthropicRequests = () => sim.requests.filter((r) => r.provider === 'anthropic').length;

test('failures seen by one replica open the breaker for both; the half-open probe is sent exactly once', async () => {
  const [a, b] = urls as [string, string];
  sim.faults.add({ match: { provider: 'anthropic' }, effect: { type: 'status', status: 500 } });
  for (let i = 0; i < 2; i++) assert.equal((await ask(a)).provider, 'bedrock');
  assert.equal(anthropicRequests(), 2);

  await new Promise((resolve) => setTimeout(resolve, 200));
  const fromB = await ask(b);
  assert.equal(fromB.provider, 'bedrock');
  assert.match(fromB.attempts ?? '', /^anthropic\/[^=]+=skipped:503:circuit_open/);
  assert.equal(anthropicRequests(), 2, 'replica B skipped the open target without calling it');

  sim.faults.clear();
  // A slow probe keeps the breaker half-open while the burst arrives.
  sim.faults.add({
    match: { provider: 'anthropic' },
    effect: { type: 'latency', ms: 600 },
    when: { times: 1 },
  });
  await new Promise((resolve) => setTimeout(resolve, OPEN_MS * 1.2 + 300));
  const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => ask(i % 2 === 0 ? a : b)));
  assert.ok(burst.every((r) => r.status === 200));
  assert.equal(anthropicRequests(), 3, 'exactly one half-open probe across both replicas');
  assert.equal(burst.filter((r) => r.provider === 'anthropic').length, 1);

  // The probe succeeded: both replicas use the target again.
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal((await ask(b)).provider, 'anthropic');
  assert.equal((await ask(a)).provider, 'anthropic');
});
