// The scale-out store: every operation is one Lua script on one Redis key (or two with the same hash tag), so
// replicas see one state and transitions are atomic across them. Time inside scripts is Redis server TIME
// (see lua/redis-time.ts for why). Change notification uses one extra subscriber connection per store,
// opened on first use and shared by every watcher.
import { createRequire } from 'node:module';
import type * as Ioredis from 'ioredis';
import type { Redis } from 'ioredis';
import type {
  BreakerAcquireResult,
  BreakerRecordInput,
  BreakerSnapshot,
  BreakerState,
} from './breaker-state.js';
import { RedisScript } from './redis-script.js';
import {
  BREAKER_ACQUIRE_LUA,
  BREAKER_READ_LUA,
  BREAKER_RECORD_LUA,
  BREAKER_RESTORE_LUA,
} from './lua/breaker-scripts.js';
import { COUNTER_ADD_LUA, RATE_ADD_LUA, TOKEN_BUCKET_LUA } from './lua/counter-scripts.js';
import { RESERVATION_LUA } from './lua/reservation-scripts.js';
import {
  COMPARE_AND_SET_LUA,
  LEASE_ACQUIRE_LUA,
  LEASE_RELEASE_LUA,
  LEASE_RENEW_LUA,
} from './lua/lease-scripts.js';
import { TOPIC_PUBLISH_LUA } from './lua/topic-scripts.js';
import type {
  RateItem,
  RateOptions,
  RateResult,
  ReservationResult,
  ReserveItem,
  ReserveOptions,
  SettleItem,
  StateStore,
  TokenBucketOptions,
  TokenBucketResult,
  TopicMessage,
} from './state-store.js';

// ioredis (CommonJS, so require() gives the very module `import` would) loads on first use: a process on the
// in-process store never pays its ~5 MB resident (measured with bullmq beside it: ~15 MB).
const require = createRequire(import.meta.url);
const loadIoredis = () => require('ioredis') as typeof Ioredis;

/** How to reach Redis and where this store's keys live. */
export interface RedisStateStoreOptions {
  /** An existing connection (left open by close()), or… */
  client?: Redis;
  /** …a URL to open one (closed by close()). Defaults to redis://127.0.0.1:6379. */
  url?: string;
  /** Prepended to every key and channel, so deployments (and tests) do not collide. Default `rampart:`. */
  prefix?: string;
}

const SCRIPTS = {
  breakerRead: new RedisScript(BREAKER_READ_LUA),
  breakerRecord: new RedisScript(BREAKER_RECORD_LUA),
  breakerAcquire: new RedisScript(BREAKER_ACQUIRE_LUA),
  breakerRestore: new RedisScript(BREAKER_RESTORE_LUA),
  counterAdd: new RedisScript(COUNTER_ADD_LUA),
  rateAdd: new RedisScript(RATE_ADD_LUA),
  tokenBucket: new RedisScript(TOKEN_BUCKET_LUA),
  reservation: new RedisScript(RESERVATION_LUA),
  leaseAcquire: new RedisScript(LEASE_ACQUIRE_LUA),
  leaseRenew: new RedisScript(LEASE_RENEW_LUA),
  leaseRelease: new RedisScript(LEASE_RELEASE_LUA),
  compareAndSet: new RedisScript(COMPARE_AND_SET_LUA),
  publish: new RedisScript(TOPIC_PUBLISH_LUA),
};

/** Shared state in Redis: exact across replicas, survives a gateway restart. */
export class RedisStateStore implements StateStore {
  readonly kind = 'redis' as const;
  readonly #redis: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #channels = new Map<string, Set<(message: string) => void>>();
  #subscriber: Redis | undefined;

  constructor(options: RedisStateStoreOptions = {}) {
    this.#ownsClient = options.client === undefined;
    this.#redis = options.client ?? new (loadIoredis().Redis)(options.url ?? 'redis://127.0.0.1:6379');
    this.#prefix = options.prefix ?? 'rampart:';
  }

  // Every key carries a {hash tag} so a store's multi-key scripts stay on one slot if Redis is clustered.
  #key(kind: string, key: string): string {
    return `${this.#prefix}${kind}:{${key}}`;
  }

  get #breakerChannel(): string {
    return `${this.#prefix}breaker-changes`;
  }

  async breakerRead(key: string): Promise<BreakerSnapshot> {
    return parseSnapshot(await SCRIPTS.breakerRead.run(this.#redis, [this.#key('breaker', key)], []));
  }

  async breakerRecord(key: string, input: BreakerRecordInput): Promise<BreakerSnapshot> {
    const t = input.thresholds;
    const reply = await SCRIPTS.breakerRecord.run(
      this.#redis,
      [this.#key('breaker', key)],
      [
        this.#breakerChannel,
        key,
        input.outcome,
        input.owner ?? '',
        t.consecutiveFailures,
        t.failureRate,
        t.minimumCalls,
        Math.round(t.windowMs),
        t.buckets,
        Math.round(t.openMs),
      ],
    );
    return parseSnapshot(reply);
  }

  async breakerAcquireProbe(key: string, owner: string, leaseMs: number): Promise<BreakerAcquireResult> {
    const reply = (await SCRIPTS.breakerAcquire.run(
      this.#redis,
      [this.#key('breaker', key)],
      [this.#breakerChannel, key, owner, Math.round(leaseMs)],
    )) as [number, string];
    return { granted: reply[0] === 1, snapshot: parseSnapshot(reply[1]) };
  }

  async breakerRestore(key: string, snapshot: BreakerSnapshot): Promise<BreakerSnapshot> {
    const { state } = snapshot;
    const reply = await SCRIPTS.breakerRestore.run(
      this.#redis,
      [this.#key('breaker', key)],
      [
        this.#breakerChannel,
        key,
        state.kind,
        state.since,
        state.kind === 'open' ? state.until : 0,
        state.kind === 'half-open' ? (state.probe?.owner ?? '') : '',
        state.kind === 'half-open' ? (state.probe?.until ?? 0) : 0,
        snapshot.consecutiveFailures,
      ],
    );
    return parseSnapshot(reply);
  }

  async watchBreakers(
    listener: (key: string, snapshot: BreakerSnapshot) => void,
  ): Promise<() => Promise<void>> {
    return this.#listen(this.#breakerChannel, (message) => {
      const newline = message.indexOf('\n');
      listener(message.slice(0, newline), parseSnapshot(message.slice(newline + 1)));
    });
  }

  async counterAdd(key: string, amount: number, ttlMs: number): Promise<number> {
    const reply = await SCRIPTS.counterAdd.run(
      this.#redis,
      [this.#key('counter', key)],
      [amount, Math.ceil(ttlMs)],
    );
    return Number(reply);
  }

  async rateAdd(key: string, options: RateOptions): Promise<RateResult> {
    const reply = (await SCRIPTS.rateAdd.run(
      this.#redis,
      [this.#key('rate', key)],
      [Math.round(options.windowMs), options.amount, options.limit ?? -1, options.mode ?? 'fixed'],
    )) as [number, string, string];
    return { allowed: reply[0] === 1, count: Number(reply[1]), retryAfterMs: Number(reply[2]) };
  }

  // Each counter is its own script on its own key (cluster slots), issued together as reserveMany's are.
  async rateAddMany(items: readonly RateItem[]): Promise<RateResult[]> {
    return Promise.all(items.map((item) => this.rateAdd(item.key, item)));
  }

  async tokenBucketTake(key: string, options: TokenBucketOptions): Promise<TokenBucketResult> {
    const reply = (await SCRIPTS.tokenBucket.run(
      this.#redis,
      [this.#key('bucket', key)],
      [options.capacity, options.refillPerSecond, options.amount],
    )) as [number, string, string];
    const retry = Number(reply[2]);
    return { allowed: reply[0] === 1, tokens: Number(reply[1]), retryAfterMs: retry < 0 ? Infinity : retry };
  }

  async #reservation(key: string, args: (string | number)[]): Promise<ReservationResult> {
    const hash = this.#key('budget', key);
    const reply = (await SCRIPTS.reservation.run(this.#redis, [hash, `${hash}:expiry`], args)) as [
      number,
      string,
      string,
    ];
    return { ok: reply[0] === 1, used: Number(reply[1]), reserved: Number(reply[2]) };
  }

  async reserve(key: string, options: ReserveOptions): Promise<ReservationResult> {
    return this.#reservation(key, [
      'reserve',
      options.id,
      options.amount,
      options.limit,
      Math.ceil(options.ttlMs),
      keepArg(options.keepMs),
    ]);
  }

  // Each budget is its own script on its own key (they may sit on different cluster slots); the calls are
  // issued together, so they share the connection's round trips.
  async reserveMany(items: readonly ReserveItem[]): Promise<ReservationResult[]> {
    return Promise.all(items.map((item) => this.reserve(item.key, item)));
  }

  async settle(key: string, id: string, actual: number, keepMs?: number): Promise<ReservationResult> {
    return this.#reservation(key, ['settle', id, actual, 0, 0, keepArg(keepMs)]);
  }

  async settleMany(items: readonly SettleItem[]): Promise<ReservationResult[]> {
    return Promise.all(items.map((item) => this.settle(item.key, item.id, item.actual, item.keepMs)));
  }

  async release(key: string, id: string): Promise<ReservationResult> {
    return this.#reservation(key, ['release', id, 0, 0, 0, 0]);
  }

  async leaseAcquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const reply = await SCRIPTS.leaseAcquire.run(
      this.#redis,
      [this.#key('value', key)],
      [owner, Math.ceil(ttlMs)],
    );
    return reply === 1;
  }

  async leaseRenew(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const reply = await SCRIPTS.leaseRenew.run(
      this.#redis,
      [this.#key('value', key)],
      [owner, Math.ceil(ttlMs)],
    );
    return reply === 1;
  }

  async leaseRelease(key: string, owner: string): Promise<boolean> {
    return (await SCRIPTS.leaseRelease.run(this.#redis, [this.#key('value', key)], [owner])) === 1;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#redis.get(this.#key('value', key))) ?? undefined;
  }

  async compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs?: number,
  ): Promise<boolean> {
    const reply = await SCRIPTS.compareAndSet.run(
      this.#redis,
      [this.#key('value', key)],
      [
        expected === undefined ? 0 : 1,
        expected ?? '',
        next === undefined ? 0 : 1,
        next ?? '',
        ttlMs === undefined ? 0 : Math.max(1, Math.ceil(ttlMs)),
      ],
    );
    return reply === 1;
  }

  #topicChannel(topic: string): string {
    return `${this.#prefix}topic:${topic}`;
  }

  async publish(topic: string, message: string): Promise<number> {
    const reply = await SCRIPTS.publish.run(
      this.#redis,
      [this.#key('topic-version', topic)],
      [this.#topicChannel(topic), message],
    );
    return Number(reply);
  }

  async topicVersion(topic: string): Promise<number> {
    return Number((await this.#redis.get(this.#key('topic-version', topic))) ?? 0);
  }

  async subscribe(topic: string, listener: (message: TopicMessage) => void): Promise<() => Promise<void>> {
    return this.#listen(this.#topicChannel(topic), (raw) => {
      const newline = raw.indexOf('\n');
      listener({ topic, version: Number(raw.slice(0, newline)), message: raw.slice(newline + 1) });
    });
  }

  async #listen(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    if (this.#subscriber === undefined) {
      // A connection in subscriber mode can run nothing else, hence a second one, made on first need.
      this.#subscriber = this.#redis.duplicate();
      this.#subscriber.on('message', (from: string, message: string) => {
        for (const h of this.#channels.get(from) ?? []) h(message);
      });
    }
    let handlers = this.#channels.get(channel);
    if (handlers === undefined) {
      handlers = new Set();
      this.#channels.set(channel, handlers);
      await this.#subscriber.subscribe(channel);
    }
    handlers.add(handler);
    return async () => {
      const set = this.#channels.get(channel);
      if (set === undefined || !set.delete(handler) || set.size > 0) return;
      this.#channels.delete(channel);
      await this.#subscriber?.unsubscribe(channel);
    };
  }

  /** Deletes every key under this store's prefix: for tests and tear-down, never on a shared prefix. */
  async deleteAllKeys(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', `${this.#prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await this.#redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    this.#channels.clear();
    if (this.#subscriber !== undefined) await this.#subscriber.quit();
    if (this.#ownsClient) await this.#redis.quit();
  }
}

/** keepMs as the reservation script's argument: whole milliseconds, at least 1; 0 = keep forever. */
function keepArg(keepMs: number | undefined): number {
  return keepMs === undefined ? 0 : Math.max(1, Math.ceil(keepMs));
}

interface WireSnapshot {
  state: {
    kind: BreakerState['kind'];
    since: number;
    until?: number;
    probe?: { owner: string; until: number };
  };
  consecutiveFailures: number;
  successes: number;
  failures: number;
  at: number;
}

function parseSnapshot(reply: unknown): BreakerSnapshot {
  const wire = JSON.parse(String(reply)) as WireSnapshot;
  const { kind, since } = wire.state;
  const state: BreakerState =
    kind === 'open'
      ? { kind, since, until: wire.state.until ?? since }
      : kind === 'half-open'
        ? { kind, since, probe: wire.state.probe }
        : { kind: 'closed', since };
  return {
    state,
    consecutiveFailures: wire.consecutiveFailures,
    successes: wire.successes,
    failures: wire.failures,
    at: wire.at,
  };
}
