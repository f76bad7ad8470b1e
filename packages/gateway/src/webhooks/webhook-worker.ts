// Delivers the webhook outbox: claims due rows under a lease (so replicas never send one row at the same time),
// POSTs each signed the Standard Webhooks way, and marks it delivered on 2xx or reschedules it with exponential
// backoff and jitter, giving up after maxAttempts. Delivery is at least once: a crash between the POST and the
// mark sends the row again later with the same webhook-id, which receivers use to drop the duplicate.
import type { WebhookOutboxQueries, WebhookOutboxRow } from '@rampart/store';
import type { Logger } from '../observability/logger.js';
import { signWebhook } from './sign-webhook.js';
import type { WebhookEndpointConfig } from './webhook-config-schema.js';

/** What the worker needs. */
export interface WebhookWorkerOptions {
  outbox: WebhookOutboxQueries;
  /** Endpoints with their secrets resolved. */
  endpoints: readonly WebhookEndpointConfig[];
  /** The lease owner's name (the gateway instance id). */
  owner: string;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  /** How often the outbox is polled when idle (default 500 ms). */
  pollMs?: number;
  /** How long a claim holds a row (default 30 s; longer than timeoutMs). */
  leaseMs?: number;
  /** Per-delivery timeout (default 10 s). */
  timeoutMs?: number;
  /** Attempts before a row is given up (default 15: ~9 h of backoff at the defaults). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Rows claimed per round (default 50). */
  batch?: number;
}

/** A poke waits this long for company: under load one outbox round serves many records. */
const POKE_MS = 20;

/** The delay before attempt `attempts + 1`: exponential, capped, with jitter over its upper half. */
export function webhookBackoffMs(attempts: number, base: number, max: number, random: () => number): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Runs the outbox delivery loop of one gateway process. */
export class WebhookWorker {
  readonly #o: Required<Omit<WebhookWorkerOptions, 'endpoints'>> & {
    endpoints: Map<string, WebhookEndpointConfig>;
  };
  #timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (epoch ms per Date.now), so pokes coalesce instead of re-arming every time. */
  #dueAt = Infinity;
  #running: Promise<number> | undefined;
  #closed = false;
  #again = false;

  constructor(options: WebhookWorkerOptions) {
    this.#o = {
      now: Date.now,
      random: Math.random,
      pollMs: 500,
      leaseMs: 30_000,
      timeoutMs: 10_000,
      maxAttempts: 15,
      baseDelayMs: 1_000,
      maxDelayMs: 3_600_000,
      batch: 50,
      ...options,
      endpoints: new Map(options.endpoints.map((e) => [e.url, e])),
    };
  }

  /** Starts polling. */
  start(): void {
    if (this.#o.endpoints.size === 0 || this.#closed) return;
    this.#arm(0);
  }

  /** Asks for a round soon (new rows were committed); many pokes within POKE_MS make one round. */
  poke(): void {
    if (this.#closed || this.#o.endpoints.size === 0) return;
    if (this.#running) this.#again = true;
    else if (this.#dueAt > Date.now() + POKE_MS) this.#arm(POKE_MS);
  }

  /** Stops polling and waits for the round in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  /** One round: claims due rows and delivers them; resolves to how many were claimed. */
  runOnce(): Promise<number> {
    if (!this.#running) {
      this.#running = this.#round().finally(() => {
        this.#running = undefined;
      });
    }
    return this.#running;
  }

  #arm(delay: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#dueAt = Date.now() + delay;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#dueAt = Infinity;
      this.runOnce().then(
        (claimed) => {
          const more = claimed >= this.#o.batch || this.#again;
          this.#again = false;
          if (!this.#closed) this.#arm(more ? 0 : this.#o.pollMs);
        },
        (error: unknown) => {
          this.#o.logger.warn({ err: error }, 'webhook outbox round failed');
          if (!this.#closed) this.#arm(this.#o.pollMs * 4);
        },
      );
    }, delay);
    this.#timer.unref();
  }

  async #round(): Promise<number> {
    const { outbox, owner, now, leaseMs, batch } = this.#o;
    const rows = await outbox.claim(owner, now(), leaseMs, batch);
    await Promise.all(rows.map((row) => this.#deliver(row)));
    return rows.length;
  }

  async #deliver(row: WebhookOutboxRow): Promise<void> {
    const { outbox, owner, now, random, maxAttempts, baseDelayMs, maxDelayMs, timeoutMs, logger } = this.#o;
    const endpoint = this.#o.endpoints.get(row.endpoint);
    if (!endpoint) {
      await outbox.markFailed(row.id, owner, 'endpoint no longer configured', null);
      return;
    }
    let error: string | undefined;
    try {
      const timestamp = Math.floor(now() / 1000);
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'rampart-webhooks',
          'webhook-id': row.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(endpoint.secret, row.id, timestamp, row.payloadJson),
        },
        body: row.payloadJson,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
    }
    if (error === undefined) {
      await outbox.markDelivered(row.id, owner, now());
      return;
    }
    const attempts = row.attempts + 1;
    const next =
      attempts >= maxAttempts ? null : now() + webhookBackoffMs(attempts, baseDelayMs, maxDelayMs, random);
    if (next === null) logger.warn({ webhookId: row.id, endpoint: row.endpoint, error }, 'webhook given up');
    await outbox.markFailed(row.id, owner, error, next);
  }
}
