// A small seeded PRNG (mulberry32) so fault probabilities and generated ids repeat run after run.

/** A deterministic source of uniform numbers in [0, 1). */
export type Random = () => number;

/** Create a mulberry32 generator from a 32-bit seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
