// Authenticates virtual keys on the hot path from an in-memory cache, and keeps every replica's cache honest:
// revocation, rotation and limit changes publish on the state topic `keys` (Redis pub/sub across replicas), and
// each replica also polls the topic's version every 250 ms to catch a message pub/sub dropped. Either way the
// cached principal is dropped and the next request reads the store, so a revoked key is refused everywhere
// within a second. Expiry is checked on every request against the injected clock (no message needed).
// `last_used_at` is collected in memory and written in batches, never once per request.
import { RampartError } from '@rampart/spec';
import type { StateStore } from '@rampart/state';
import type { Store, TeamRecord, UserRecord, VirtualKeyRecord } from '@rampart/store';
import { hashKeySecret } from './tenancy-ids.js';
import type { Principal } from './principal.js';

/** The state topic key changes are published on. */
export const KEYS_TOPIC = 'keys';

/** Options of a KeyDirectory. */
export interface KeyDirectoryOptions {
  store: Store;
  state: StateStore;
  clock: { now(): number };
  /** How often to compare the topic's version with what this replica has seen (default 250 ms). */
  pollMs?: number;
  /** How often batched last_used_at times are written (default 30 s). */
  touchFlushMs?: number;
  /** How long an unknown secret is remembered as unknown (default 1 s; new keys are published too). */
  negativeTtlMs?: number;
  /** Called when a background step (poll, flush) fails; the directory keeps going. */
  onError?: (error: unknown, during: string) => void;
}

interface CachedKey {
  principal: Principal;
  keyId: string;
  userId: string;
  teamId: string;
  expiresAt: number | null;
  revokedAt: number | null;
}

const MAX_CACHED = 100_000;

/** Virtual key → Principal, cached, invalidated across replicas. */
export class KeyDirectory {
  readonly #store: Store;
  readonly #state: StateStore;
  readonly #clock: { now(): number };
  readonly #options: KeyDirectoryOptions;
  readonly #cache = new Map<string, CachedKey>();
  readonly #unknown = new Map<string, number>();
  readonly #loading = new Map<string, Promise<CachedKey | undefined>>();
  readonly #touched = new Map<string, number>();
  readonly #listeners = new Set<(message: string) => void>();
  // Bumped by every invalidation: a store read that began before one must not refill the cache after it.
  #generation = 0;
  #seenVersion = 0;
  #timers: NodeJS.Timeout[] = [];
  #unsubscribe: (() => Promise<void>) | undefined;
  #polling = false;

  constructor(options: KeyDirectoryOptions) {
    this.#store = options.store;
    this.#state = options.state;
    this.#clock = options.clock;
    this.#options = options;
  }

  /** Subscribes to the topic and starts polling and batched writes. */
  async start(): Promise<void> {
    this.#seenVersion = await this.#state.topicVersion(KEYS_TOPIC);
    this.#unsubscribe = await this.#state.subscribe(KEYS_TOPIC, ({ message, version }) => {
      // Contiguous versions mean nothing was missed; a gap is left for the poll, which clears everything.
      if (version === this.#seenVersion + 1) this.#seenVersion = version;
      this.invalidate(message);
    });
    const poll = setInterval(() => void this.#poll(), this.#options.pollMs ?? 250);
    const flush = setInterval(() => void this.flushTouches(), this.#options.touchFlushMs ?? 30_000);
    poll.unref();
    flush.unref();
    this.#timers = [poll, flush];
  }

  /** Stops timers and the subscription, and writes pending last_used_at times. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    await this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.flushTouches();
  }

  /** The principal of `secret`; throws RampartError `authentication_failed` when unknown, revoked or expired. */
  async authenticate(secret: string): Promise<Principal> {
    const hash = hashKeySecret(secret);
    const now = this.#clock.now();
    let entry = this.#cache.get(hash);
    if (entry === undefined) {
      const unknownUntil = this.#unknown.get(hash);
      if (unknownUntil !== undefined && unknownUntil > now) throw invalidKey();
      entry = await this.#load(hash);
      if (entry === undefined) throw invalidKey();
    }
    if (entry.revokedAt !== null)
      throw new RampartError('authentication_failed', 'This API key has been revoked.');
    if (entry.expiresAt !== null && now >= entry.expiresAt)
      throw new RampartError('authentication_failed', 'This API key has expired.');
    this.#touched.set(entry.keyId, now);
    return entry.principal;
  }

  /** Tells every replica (this one at once) that what `message` names changed. */
  async publish(message: string): Promise<void> {
    this.invalidate(message);
    await this.#state.publish(KEYS_TOPIC, message);
  }

  /** Listens to every invalidation message (e.g. to drop credential caches); returns an unsubscribe. */
  onInvalidate(listener: (message: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Drops cached state named by `message`: `key:<id>`, `user:<id>`, `team:<id>` (its keys), `*` (everything).
   * Unknown messages clear everything: safe, and only costs store reads.
   */
  invalidate(message: string): void {
    this.#generation++;
    this.#unknown.clear();
    const [kind, id] = splitMessage(message);
    const field =
      kind === 'key' ? 'keyId' : kind === 'user' ? 'userId' : kind === 'team' ? 'teamId' : undefined;
    if (field === undefined || id === undefined) this.#cache.clear();
    else for (const [hash, entry] of this.#cache) if (entry[field] === id) this.#cache.delete(hash);
    for (const listener of this.#listeners) listener(message);
  }

  /** Writes the batched last_used_at times now. */
  async flushTouches(): Promise<void> {
    if (this.#touched.size === 0) return;
    const batch = [...this.#touched].map(([id, at]) => ({ id, at }));
    this.#touched.clear();
    try {
      await this.#store.virtualKeys.touch(batch);
    } catch (error) {
      this.#options.onError?.(error, 'last_used_at flush');
    }
  }

  async #poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const version = await this.#state.topicVersion(KEYS_TOPIC);
      if (version !== this.#seenVersion) {
        this.#seenVersion = version;
        this.invalidate('*');
      }
    } catch (error) {
      // Cannot tell whether a revocation was missed: trust nothing cached, the store is the source of truth.
      this.invalidate('*');
      this.#options.onError?.(error, 'keys topic poll');
    } finally {
      this.#polling = false;
    }
  }

  #load(hash: string): Promise<CachedKey | undefined> {
    let loading = this.#loading.get(hash);
    if (loading === undefined) {
      const generation = this.#generation;
      loading = this.#read(hash)
        .then((entry) => {
          if (generation === this.#generation) {
            if (entry === undefined)
              this.#unknown.set(hash, this.#clock.now() + (this.#options.negativeTtlMs ?? 1000));
            else {
              if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
              this.#cache.set(hash, entry);
            }
          }
          return entry;
        })
        .finally(() => this.#loading.delete(hash));
      this.#loading.set(hash, loading);
    }
    return loading;
  }

  async #read(hash: string): Promise<CachedKey | undefined> {
    const key = await this.#store.virtualKeys.getByHash(hash);
    if (key === undefined) return undefined;
    const [user, team] = await Promise.all([
      this.#store.users.get(key.userId),
      this.#store.teams.get(key.teamId),
    ]);
    if (user === undefined || team === undefined) return undefined;
    return {
      principal: principalOf(key, user, team),
      keyId: key.id,
      userId: key.userId,
      teamId: key.teamId,
      expiresAt: key.expiresAt,
      revokedAt: key.revokedAt,
    };
  }
}

/** The Principal of a stored key, its user and its team. */
export function principalOf(key: VirtualKeyRecord, user: UserRecord, team: TeamRecord): Principal {
  return {
    keyId: key.id,
    userId: user.id,
    teamId: team.id,
    // Written only through validated paths (admin API schemas, Tenancy methods), so read back as their types.
    scopes: key.scopes,
    ...(key.route !== null && key.route !== undefined ? { route: key.route } : {}),
    ...(key.promptCache !== null ? { promptCache: key.promptCache } : {}),
    limits: { key: key.limits, user: user.limits, team: team.limits },
  };
}

function splitMessage(message: string): [string, string | undefined] {
  const colon = message.indexOf(':');
  return colon < 0 ? [message, undefined] : [message.slice(0, colon), message.slice(colon + 1)];
}

function invalidKey(): RampartError {
  return new RampartError('authentication_failed', 'Invalid API key.');
}
