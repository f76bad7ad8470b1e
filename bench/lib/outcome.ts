// A measurement that may not be possible: a system that cannot run a scenario yet reports why ("n/a")
// instead of failing the whole benchmark or, worse, reporting a figure for something it did not do.

/** A measured value, or the reason there is none. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Runs `measure`, turning any error into an n/a outcome carrying its message. */
export async function attempt<T>(measure: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await measure() };
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error ? (error.message.split('\n')[0] ?? 'failed') : String(error),
    };
  }
}

/** An n/a outcome. */
export function notAvailable<T>(reason: string): Outcome<T> {
  return { ok: false, reason };
}
