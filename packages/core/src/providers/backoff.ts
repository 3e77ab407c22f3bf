/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the delay before
 * retry `attempt` (1 = the first retry) is uniform in [0, min(cap, base · 2^(attempt−1))). Full jitter spreads
 * clients that failed together, so they do not retry together.
 * e.g. `fullJitterDelay(3, { baseMs: 1000, capMs: 60_000 }, () => 0.5)` → `2000`.
 */
export function fullJitterDelay(
  attempt: number,
  { baseMs, capMs }: { baseMs: number; capMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
