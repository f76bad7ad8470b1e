// Prompt-cache state with the providers' semantics: explicit breakpoints (Anthropic, Bedrock) and automatic
// prefix caching in 128-token steps (OpenAI). Entries live per scope (account/key + model) on the injected clock.
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { CacheTtl, PromptBlock } from '../prompt/prompt-block.js';

/** How one request's prompt tokens split between cache reads, cache writes and plain input. */
export interface CacheUsage {
  readTokens: number;
  write5mTokens: number;
  write1hTokens: number;
  /** Prompt tokens neither read from nor written to the cache. */
  uncachedTokens: number;
}

/** The outcome of looking a prompt up; `commit` applies writes and TTL refreshes once the response begins. */
export interface CachePlan {
  usage: CacheUsage;
  commit(): void;
}

interface Entry {
  expiresAt: number;
  ttlMs: number;
}

const TTL_MS: Record<CacheTtl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };
/** A read looks at the breakpoint and the 19 blocks before it (20 positions). */
export const CACHE_LOOKBACK_POSITIONS = 20;
/** OpenAI caches prefixes of at least 1024 tokens, in 128-token steps. */
export const OPENAI_CACHE_INCREMENT = 128;

function chain(previous: string, piece: string): string {
  return createHash('sha256').update(previous).update('\u0001').update(piece).digest('base64');
}

/** Per-simulator prompt cache. */
export class PromptCache {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #maxEntries: number;

  constructor(clock: Clock, maxEntries = 200_000) {
    this.#clock = clock;
    this.#maxEntries = maxEntries;
  }

  /** Forget everything. */
  clear(): void {
    this.#entries.clear();
  }

  /** Number of live entries (expired ones may linger until touched). */
  get size(): number {
    return this.#entries.size;
  }

  #live(hash: string): Entry | undefined {
    const entry = this.#entries.get(hash);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(hash);
      return undefined;
    }
    return entry;
  }

  #write(hash: string, ttlMs: number): void {
    const existing = this.#live(hash);
    const keepTtl = Math.max(ttlMs, existing?.ttlMs ?? 0);
    this.#entries.set(hash, { expiresAt: this.#clock.now() + keepTtl, ttlMs: keepTtl });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  #refresh(hash: string): void {
    const entry = this.#live(hash);
    if (entry) entry.expiresAt = this.#clock.now() + entry.ttlMs;
  }

  /**
   * Explicit breakpoints: reads take the longest live prefix found at a breakpoint or up to 19 blocks before it;
   * writes happen only at breakpoints after that, when the prefix reaches `minTokens`.
   */
  planBreakpoints(scope: string, blocks: readonly PromptBlock[], minTokens: number): CachePlan {
    const hashes: string[] = [];
    const prefixTokens: number[] = [];
    let hash = chain('scope', scope);
    let sum = 0;
    for (const block of blocks) {
      hash = chain(hash, block.key);
      sum += block.tokens;
      hashes.push(hash);
      prefixTokens.push(sum);
    }
    const tokensThrough = (index: number): number => (index < 0 ? 0 : (prefixTokens[index] ?? 0));
    const breakpoints = blocks.flatMap((b, i) => (b.breakpoint ? [{ index: i, ttl: b.breakpoint }] : []));

    let hit = -1;
    for (const bp of breakpoints) {
      for (let p = bp.index; p >= 0 && p > bp.index - CACHE_LOOKBACK_POSITIONS; p--) {
        if (p <= hit) break;
        if (this.#live(hashes[p]!)) {
          hit = p;
          break;
        }
      }
    }

    const usage: CacheUsage = {
      readTokens: tokensThrough(hit),
      write5mTokens: 0,
      write1hTokens: 0,
      uncachedTokens: 0,
    };
    const writes: Array<{ hash: string; ttlMs: number }> = [];
    let covered = hit;
    for (const bp of breakpoints) {
      if (bp.index <= covered || tokensThrough(bp.index) < minTokens) continue;
      const segment = tokensThrough(bp.index) - tokensThrough(covered);
      if (bp.ttl === '1h') usage.write1hTokens += segment;
      else usage.write5mTokens += segment;
      writes.push({ hash: hashes[bp.index]!, ttlMs: TTL_MS[bp.ttl] });
      covered = bp.index;
    }
    usage.uncachedTokens = sum - tokensThrough(covered);
    const readHash = hit >= 0 ? hashes[hit] : undefined;
    return {
      usage,
      commit: () => {
        if (readHash) this.#refresh(readHash);
        for (const w of writes) this.#write(w.hash, w.ttlMs);
      },
    };
  }

  /**
   * Automatic prefix caching (OpenAI): every 128-token boundary from `minTokens` on is cached; a read takes the
   * longest live boundary.
   */
  planAutomatic(
    scope: string,
    blocks: readonly PromptBlock[],
    minTokens = 1024,
    ttlMs = TTL_MS['5m'],
  ): CachePlan {
    let total = 0;
    for (const b of blocks) total += b.tokens;
    if (total < minTokens) {
      return {
        usage: { readTokens: 0, write5mTokens: 0, write1hTokens: 0, uncachedTokens: total },
        commit: () => {},
      };
    }
    // Each block's key is cut into `tokens` equal pieces so a prefix can end inside a block.
    const boundaries: Array<{ tokens: number; hash: string }> = [];
    let hash = chain('scope', scope);
    let chunk = '';
    let count = 0;
    for (const block of blocks) {
      const pieceLength = Math.max(1, Math.ceil(block.key.length / Math.max(1, block.tokens)));
      for (let t = 0; t < block.tokens; t++) {
        chunk += `${block.key.slice(t * pieceLength, (t + 1) * pieceLength)}\u0002`;
        count++;
        if (count % OPENAI_CACHE_INCREMENT === 0) {
          hash = chain(hash, chunk);
          chunk = '';
          if (count >= minTokens) boundaries.push({ tokens: count, hash });
        }
      }
    }
    let readTokens = 0;
    for (let i = boundaries.length - 1; i >= 0; i--) {
      if (this.#live(boundaries[i]!.hash)) {
        readTokens = boundaries[i]!.tokens;
        break;
      }
    }
    return {
      usage: { readTokens, write5mTokens: 0, write1hTokens: 0, uncachedTokens: total - readTokens },
      commit: () => {
        for (const b of boundaries) {
          if (b.tokens > readTokens) this.#write(b.hash, ttlMs);
          else this.#refresh(b.hash);
        }
      },
    };
  }
}
