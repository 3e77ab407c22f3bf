/**
 * Seedable pseudo-random numbers, so the same seed gives byte-identical sample files.
 *
 * Generator: sfc32 ("Small Fast Counting", Chris Doty-Humphrey, from the PractRand suite), seeded with
 * cyrb128; both as published by bryc in https://github.com/bryc/code/blob/master/jshash/PRNGs.md (public domain).
 * Math.random is not seedable, and a well-known generator beats an ad-hoc one for the statistical tests.
 */

/** 128-bit string hash (bryc's cyrb128): four 32-bit words to seed sfc32. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A stream of uniform and normal variates. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
}

/**
 * An independent stream per purpose: `rngFor(42, "gbm", "AAPL", "1d")`. Deriving each stream from the seed and
 * a name (instead of sharing one stream) keeps a symbol's path unchanged when other symbols are added.
 */
export function rngFor(seed: number, ...names: readonly string[]): Rng {
  let [a, b, c, d] = cyrb128(`${seed}|${names.join("|")}`);
  const sfc32 = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of a freshly seeded sfc32 are weakly mixed; PractRand's author recommends discarding some.
  for (let i = 0; i < 15; i++) sfc32();
  return {
    next: sfc32,
    int: (n) => Math.floor(sfc32() * n),
    normal: () => {
      // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
      const u = 1 - sfc32();
      const v = sfc32();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
