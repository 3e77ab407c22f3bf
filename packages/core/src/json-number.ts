/**
 * Numbers written as UTF-8 bytes exactly as `JSON.stringify` writes them, without building a string first.
 *
 * `JSON.stringify(x)` of a finite number is ECMAScript's `Number::toString(x)`: the shortest decimal digit
 * string s that reads back as x, placed without an exponent when 1e-6 ≤ |x| < 1e21. Finding that string for an
 * arbitrary double is the expensive part (~110 ns a number here). Market prices are short decimals, and for
 * those it can be found by trial: the smallest d for which m = round(x·10^d) satisfies m / 10^d === x.
 *
 * Why that is exact (for 1e-6 ≤ x < 1e15, d ≥ 1, m < 10^15, m not a multiple of 10):
 * - m and 10^d are exact doubles (m < 2^53, d ≤ 22) and IEEE division rounds correctly, so `m / 10^d === x`
 *   proves that the decimal v = m·10^-d reads back as x.
 * - v has at most 15 significant digits, and because 10^15 < 2^52 two different decimals of at most 15
 *   significant digits never read back as the same double (the DBL_DIG = 15 round-trip theorem). So no other
 *   decimal with as few digits as v, or fewer, reads back as x: v's digits are the shortest, and the only ones
 *   of their length, which is what `Number::toString` picks.
 * - v ≥ 10^-6 (x ≥ 1e-6, and v < 10^-6 would make v and 10^-6 two such decimals reading back as one double),
 *   and v < 10^15, so the spec writes v positionally: the integer part ("0" when there is none), a point, and
 *   the d fraction digits (the last non-zero since m is not a multiple of 10).
 * Integers below 10^15 are their digits. Anything else (negative, tiny, huge, more digits than 15, NaN) goes
 * through `String(x)` itself (`null` for non-finite, as JSON.stringify). bar-jsonl.test.ts checks all of this
 * against JSON.stringify on millions of values.
 */

/** Most bytes {@link writeJsonNumber} writes: `-0.0000012345678901234567` (17 digits, no exponent until 1e-7) is 25. */
export const MAX_JSON_NUMBER_BYTES = 25;

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];
const LIMIT = 1e15;
const INT32_LIMIT = 2_147_483_648;

/** Where the search for a number's decimal count starts: the last count found (a hint, never a result). */
let lastDecimals = 1;

/**
 * Writes `JSON.stringify(x)` (ASCII) into `b` at `pos` and returns the position after it. The caller makes sure
 * {@link MAX_JSON_NUMBER_BYTES} bytes are free. e.g. `writeJsonNumber(b, 0, 185.485)` writes `185.485`, returns 7.
 */
export function writeJsonNumber(b: Uint8Array, pos: number, x: number): number {
  if (x >= 1e-6 && x < LIMIT) {
    if (x < INT32_LIMIT && (x | 0) === x) return writeInt32(b, pos, x | 0);
    if (Number.isInteger(x)) return writeDigits(b, pos, x);
    // Any d at least v's count of decimals gives m = v·10^d exactly (x·10^d is within 0.25 of it while m < 10^15)
    // and passes the check; a smaller d never does. Start from the last count seen: a file's prices share it.
    for (let d = lastDecimals; d <= 15; d++) {
      const p = POW10[d] as number;
      const m = Math.round(x * p);
      if (m >= LIMIT) break;
      if (m / p === x) return m < INT32_LIMIT ? writeSmallDecimal(b, pos, m | 0, d) : writeDecimal(b, pos, m, d);
    }
    if (lastDecimals > 1) {
      // m overflowed before v's count was reached: search from the start.
      lastDecimals = 1;
      return writeJsonNumber(b, pos, x);
    }
  } else if (x === 0) {
    b[pos] = 48; // 0 and -0 both write "0"
    return pos + 1;
  }
  return writeAscii(b, pos, Number.isFinite(x) ? String(x) : "null");
}

/** "00" … "99" as byte pairs: two digits per division. */
const PAIRS = (() => {
  const pairs = new Uint8Array(200);
  for (let i = 0; i < 100; i++) {
    pairs[2 * i] = 48 + Math.floor(i / 10);
    pairs[2 * i + 1] = 48 + (i % 10);
  }
  return pairs;
})();

/** Number of decimal digits of 0 ≤ n < 2^31. */
function digitCount(n: number): number {
  if (n < 1e4) return n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : 4;
  if (n < 1e6) return n < 1e5 ? 5 : 6;
  return n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
}

/** Decimal digits of an int32 n ≥ 0. */
function writeInt32(b: Uint8Array, pos: number, n: number): number {
  const end = pos + digitCount(n);
  let at = end;
  let rest = n;
  while (rest >= 100) {
    const q = (rest / 100) | 0;
    const r = (rest - q * 100) << 1;
    b[--at] = PAIRS[r + 1] as number;
    b[--at] = PAIRS[r] as number;
    rest = q;
  }
  if (rest >= 10) {
    b[--at] = PAIRS[(rest << 1) + 1] as number;
    b[--at] = PAIRS[rest << 1] as number;
  } else {
    b[--at] = 48 + rest;
  }
  return end;
}

/** v = m / 10^d for an int32 m: trailing zeros dropped, then positional with the fraction's digits. */
function writeSmallDecimal(b: Uint8Array, pos: number, m: number, d: number): number {
  let digits = d;
  let n = m;
  // Dropping trailing zeros keeps v, hence the check. Then n is not a multiple of 10: v's digits are the string.
  for (let q = (n / 10) | 0; q * 10 === n; q = (n / 10) | 0) {
    n = q;
    digits--;
  }
  lastDecimals = digits;
  const length = digitCount(n);
  if (length <= digits) {
    // v < 1: "0." and the fraction's leading zeros, then n.
    b[pos] = 48;
    b[pos + 1] = 46;
    let at = pos + 2;
    for (let k = length; k < digits; k++) b[at++] = 48;
    return writeInt32(b, at, n);
  }
  // The digits of n from the right: `digits` of fraction, the point, the rest.
  const end = pos + length + 1;
  let at = end;
  let rest = n;
  let k = digits;
  for (; k >= 2; k -= 2) {
    const q = (rest / 100) | 0;
    const r = (rest - q * 100) << 1;
    b[--at] = PAIRS[r + 1] as number;
    b[--at] = PAIRS[r] as number;
    rest = q;
  }
  if (k === 1) {
    const q = (rest / 10) | 0;
    b[--at] = 48 + rest - q * 10;
    rest = q;
  }
  b[--at] = 46; // "."
  while (rest >= 10) {
    const q = (rest / 10) | 0;
    b[--at] = 48 + rest - q * 10;
    rest = q;
  }
  b[--at] = 48 + rest;
  return end;
}

/** v = m / 10^d for 2^31 ≤ m < 10^15: the same as {@link writeSmallDecimal} with double arithmetic. */
function writeDecimal(b: Uint8Array, pos: number, m: number, d: number): number {
  let digits = d;
  let n = m;
  for (let q = Math.floor(n / 10); q * 10 === n; q = Math.floor(n / 10)) {
    n = q;
    digits--;
  }
  lastDecimals = digits;
  const scale = POW10[digits] as number;
  // n / scale is at least 1/n > 2^-50 (relative) away from the next integer, so floor never rounds up wrongly.
  const whole = Math.floor(n / scale);
  let at = writeDigits(b, pos, whole);
  b[at++] = 46; // "."
  return writePadded(b, at, n - whole * scale, digits);
}

/** Decimal digits of an integer 0 ≤ v < 2^53. */
export function writeDigits(b: Uint8Array, pos: number, v: number): number {
  if (v < INT32_LIMIT) return writeInt32(b, pos, v | 0);
  const high = Math.floor(v / 1e9);
  return writePadded(b, writeDigits(b, pos, high), v - high * 1e9, 9);
}

/** The integer 0 ≤ v < 10^width (width ≤ 15) in exactly `width` digits, zero-padded on the left. */
function writePadded(b: Uint8Array, pos: number, v: number, width: number): number {
  if (width > 9) {
    const high = Math.floor(v / 1e9);
    return writePadded(b, writePadded(b, pos, high, width - 9), v - high * 1e9, 9);
  }
  let rest = v | 0;
  const end = pos + width;
  for (let at = end - 1; at >= pos; at--) {
    const q = (rest / 10) | 0;
    b[at] = 48 + rest - q * 10;
    rest = q;
  }
  return end;
}

/** Writes a string of ASCII characters (a number's text). */
function writeAscii(b: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) b[pos + i] = text.charCodeAt(i);
  return pos + text.length;
}
