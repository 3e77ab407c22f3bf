const scratch = new Float64Array(1);
const words = new Int32Array(scratch.buffer);

function mix(hash: number, value: number): number {
  // Hash the IEEE-754 bits, so distinct doubles (0.1 vs 0.1000000001) hash apart without formatting them.
  scratch[0] = value;
  let h = Math.imul(hash ^ (words[0] as number), 0x5bd1e995);
  h ^= h >>> 15;
  h = Math.imul(h ^ (words[1] as number), 0x5bd1e995);
  return h ^ (h >>> 13);
}

/**
 * 32-bit hash of a bar's values (OHLC, adjusted close, volume), the compact memory of a key that tells exact
 * duplicates from conflicts: an int32 stays a small integer in a Map, so 1M keys cost tens of MB, not hundreds.
 * Two different bars collide with odds of 2⁻³², then one is counted as an exact duplicate.
 * e.g. `barFingerprint(1, 2, 0.5, 1.5, null, 100)`.
 */
export function barFingerprint(
  open: number,
  high: number,
  low: number,
  close: number,
  adjClose: number | null,
  volume: number,
): number {
  let h = mix(0x9747b28c, open);
  h = mix(h, high);
  h = mix(h, low);
  h = mix(h, close);
  // A passing adj_close is > 0, so -1 cannot be confused with a real value; +0 folds -0 into 0.
  h = mix(h, adjClose ?? -1);
  h = mix(h, volume + 0);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
