// Load balancing order: a weighted random permutation (Efraimidis–Spirakis keys u^(1/w)), so the first
// child is picked in proportion to weight and, if it fails, the rest follow in weighted order too.

/** Children ordered for one request; zero-weight children go last, in config order. */
export function weightedOrder<T extends { weight: number }>(
  children: readonly T[],
  random: () => number,
): T[] {
  if (children.length < 2) return [...children];
  const keyed = children.map((child, index) => ({
    child,
    index,
    key: child.weight > 0 ? Math.pow(random(), 1 / child.weight) : -1,
  }));
  keyed.sort((a, b) => b.key - a.key || a.index - b.index);
  return keyed.map((k) => k.child);
}
