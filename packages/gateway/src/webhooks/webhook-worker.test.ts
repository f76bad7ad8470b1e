import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openStore } from '@rampart/store';
import { testSqliteUrl } from '@rampart/store/testing';
import { createLogger } from '../observability/logger.js';
import { signWebhook, verifyWebhook } from './sign-webhook.js';
import { WebhookWorker, webhookBackoffMs } from './webhook-worker.js';

test('backoff doubles per attempt up to the cap, jittered over its upper half', () => {
  assert.equal(
    webhookBackoffMs(1, 1000, 3_600_000, () => 0),
    500,
  );
  assert.equal(
    webhookBackoffMs(1, 1000, 3_600_000, () => 1),
    1000,
  );
  assert.equal(
    webhookBackoffMs(4, 1000, 3_600_000, () => 1),
    8000,
  );
  assert.equal(
    webhookBackoffMs(30, 1000, 3_600_000, () => 1),
    3_600_000,
  );
});

test('the signature is the Standard Webhooks one: whsec_ secrets are base64 keys; stale timestamps fail', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const signature = signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
  assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  const headers = { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: '1614265330', signature };
  assert.equal(verifyWebhook(secret, headers, '{"test": 2432232314}', 1614265330), true);
  assert.equal(verifyWebhook(secret, headers, '{"test": 2432232315}', 1614265330), false);
  assert.equal(verifyWebhook(secret, headers, '{"test": 2432232314}', 1614265330 + 3600), false);
});

test('two workers on one outbox deliver every row exactly once (leases), failures retried later', async () => {
  const target = testSqliteUrl();
  const store = await openStore({ url: target.url });
  const seen = new Map<string, number>();
  let failFirst = true;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (id === 'w0' && failFirst) {
        failFirst = false;
        res.writeHead(500).end();
        return;
      }
      seen.set(id, (seen.get(id) ?? 0) + 1);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const now = Date.now();
  await store.webhookOutbox.insert(
    Array.from({ length: 40 }, (_, i) => ({
      id: `w${i}`,
      endpoint: url,
      event: 'usage.recorded',
      payloadJson: `{"i":${i}}`,
      createdAt: now,
      nextAttemptAt: now,
    })),
  );
  const worker = (owner: string) =>
    new WebhookWorker({
      outbox: store.webhookOutbox,
      endpoints: [{ url, secret: 's', events: ['usage.recorded'] }],
      owner,
      logger: createLogger({ level: 'silent' }),
      baseDelayMs: 50,
      batch: 7,
    });
  const [a, b] = [worker('a'), worker('b')];
  try {
    for (let round = 0; round < 50 && (await store.webhookOutbox.countDue()) > 0; round++) {
      await Promise.all([a.runOnce(), b.runOnce()]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(await store.webhookOutbox.countDue(), 0);
    assert.equal(seen.size, 40);
    assert.ok(
      [...seen.values()].every((n) => n === 1),
      'no row delivered twice',
    );
    assert.equal((await store.webhookOutbox.get('w0'))?.attempts, 2);
  } finally {
    await a.close();
    await b.close();
    server.close();
    await store.close();
    await target.cleanup();
  }
});
