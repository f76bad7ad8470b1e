// Runs a Lua script by its SHA1 (EVALSHA: the body is sent once, not on every call) and falls back to EVAL
// when the server does not know it yet (first use, restart, SCRIPT FLUSH), which also caches it there.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script ready to run on any connection. */
export class RedisScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with the given keys and arguments. */
  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}
