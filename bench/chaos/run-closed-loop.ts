// Closed-loop load with a fixed request count: `concurrency` workers each send the next request as soon as
// their previous one is judged, until `count` were sent or `maxMs` passed (then the run says it was cut
// short rather than reporting a rate over fewer requests than promised).

/** What a closed-loop run did. */
export interface ClosedLoopRun {
  sent: number;
  wallMs: number;
  /** True when the time limit stopped the run before `count` requests. */
  truncated: boolean;
}

/** Runs `one(i)` for i = 0 … count-1 with at most `concurrency` in flight. */
export async function runClosedLoop(
  count: number,
  concurrency: number,
  maxMs: number,
  one: (index: number) => Promise<void>,
): Promise<ClosedLoopRun> {
  const startedAt = performance.now();
  let next = 0;
  let truncated = false;
  const worker = async () => {
    for (;;) {
      if (next >= count) return;
      if (performance.now() - startedAt > maxMs) {
        truncated = true;
        return;
      }
      await one(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { sent: next, wallMs: performance.now() - startedAt, truncated };
}
