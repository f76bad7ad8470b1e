// Back-pressure per target, kept apart from the circuit breaker. A rate limit (429, Bedrock's
// ThrottlingException) says "not so fast", not "I am broken": counting it as a breaker failure opens the
// target for everyone for the whole cool-down and, in the talk's cascade, throws all traffic onto the backup
// at once. Instead a throttled target is COOLING until a time every replica shares (through the state store's
// publish/subscribe), so every client stops hitting it, and routing prefers a healthy alternative meanwhile.
// The time is the upstream's retry-after when it gave one. Without one (Bedrock never gives one) a single 429
// is treated as noise and only a second one in a row starts cooling, for a jittered time that doubles each
// time the target is throttled again after a cooling ended, and resets on the first success. 429s that arrive
// while it is already cooling answer calls sent before it began: they do not stretch it.
import type { StateStore } from '@rampart/state';
import { systemClock, type Clock, type Random } from './clock.js';

/** Settings of the cooldown table. */
export interface TargetCooldownsOptions {
  store: StateStore;
  clock?: Clock;
  random?: Random;
  /** A 429 without retry-after starts cooling from this many in a row. Default 2. */
  throttlesBeforeCooling?: number;
  /** First cooling time without retry-after (then doubled per further 429). Default 250 ms. */
  baseMs?: number;
  /** Cap on a cooling time without retry-after, and on any retry-after honoured. Default 30 s. */
  maxMs?: number;
}

interface Entry {
  until: number;
  /** 429s in a row since the last success (this replica's view). */
  throttles: number;
  /** Coolings without retry-after since the last success: the exponent of the next one. */
  episodes: number;
  /** The current cooling is our estimate (no retry-after was given). */
  estimated: boolean;
}

/** The topic replicas announce cooling times on: `<until> <key>`. */
export const COOLDOWN_TOPIC = 'rampart:target-cooldown';

/** Shared "cooling until" per target key; reads are synchronous and I/O-free. */
export class TargetCooldowns {
  readonly #store: StateStore;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #threshold: number;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #entries = new Map<string, Entry>();
  #unsubscribe: (() => Promise<void>) | undefined;

  constructor(options: TargetCooldownsOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#threshold = options.throttlesBeforeCooling ?? 2;
    this.#baseMs = options.baseMs ?? 250;
    this.#maxMs = options.maxMs ?? 30_000;
  }

  /** Listens to other replicas' announcements. */
  async start(): Promise<void> {
    this.#unsubscribe ??= await this.#store.subscribe(COOLDOWN_TOPIC, ({ message }) => {
      const space = message.indexOf(' ');
      const until = Number(message.slice(0, space));
      if (space > 0 && Number.isFinite(until)) this.#extend(message.slice(space + 1), until);
    });
  }

  /** Milliseconds `key` is still cooling for (0 when it may be called). */
  remainingMs(key: string): number {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.until === 0) return 0;
    const left = entry.until - this.#clock.now();
    return left > 0 ? left : 0;
  }

  /**
   * Records a rate limit from `key`; returns how long it now cools (0: not yet). Announced to every replica
   * when it extends the cooling time.
   */
  recordThrottle(key: string, retryAfterMs: number | undefined): number {
    const entry = this.#entry(key);
    entry.throttles += 1;
    let coolMs: number;
    if (retryAfterMs !== undefined && retryAfterMs > 0) coolMs = Math.min(retryAfterMs, this.#maxMs);
    else if (entry.throttles < this.#threshold || this.remainingMs(key) > 0) return this.remainingMs(key);
    else {
      // Full jitter over the upper half, so replicas that saw the same 429s do not come back in step.
      const ceiling = Math.min(this.#maxMs, this.#baseMs * 2 ** entry.episodes);
      entry.episodes += 1;
      coolMs = ceiling * (0.5 + 0.5 * this.#random());
    }
    const until = this.#clock.now() + coolMs;
    if (until > entry.until) {
      entry.until = until;
      entry.estimated = retryAfterMs === undefined || retryAfterMs <= 0;
      // Best effort: the local view already holds it; a lost message costs other replicas one 429 each.
      this.#store.publish(COOLDOWN_TOPIC, `${Math.round(until)} ${key}`).catch(() => undefined);
    }
    return this.remainingMs(key);
  }

  /**
   * How widely callers waiting for `key` should spread their return, as a share of the cooling time: 0.2
   * when the upstream named the time (it asked for that time, honoured with a little jitter), 1 when we
   * estimated it (no retry-after: a herd told nothing must spread over a whole period to avoid a stampede).
   */
  spreadOf(key: string): number {
    return this.#entries.get(key)?.estimated ? 1 : 0.2;
  }

  /** A success from `key`: the next 429 without retry-after is noise again. */
  recordSuccess(key: string): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined && (entry.throttles !== 0 || entry.episodes !== 0)) {
      entry.throttles = 0;
      entry.episodes = 0;
    }
  }

  /** Stops listening. */
  async close(): Promise<void> {
    await this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #entry(key: string): Entry {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { until: 0, throttles: 0, episodes: 0, estimated: false };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  #extend(key: string, until: number): void {
    const entry = this.#entry(key);
    if (until > entry.until) entry.until = until;
  }
}
