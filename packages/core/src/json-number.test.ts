import { describe, expect, it } from "vitest";
import { MAX_JSON_NUMBER_BYTES, writeDigits, writeJsonNumber } from "./json-number.js";

const bytes = new Uint8Array(64);
const decoder = new TextDecoder();

function written(x: number): string {
  const end = writeJsonNumber(bytes, 0, x);
  if (end > MAX_JSON_NUMBER_BYTES) throw new Error(`${x} took ${end} bytes`);
  return decoder.decode(bytes.subarray(0, end));
}

/** Values whose JSON text differs from what writeJsonNumber writes, with both texts (empty when all agree). */
function mismatches(values: Iterable<number>): string[] {
  const out: string[] = [];
  for (const x of values) {
    const got = written(x);
    const want = JSON.stringify(x);
    if (got !== want && out.length < 10) out.push(`${want} written as ${got}`);
  }
  return out;
}

/** A seeded generator, so a failure names the same values again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("writeJsonNumber", () => {
  it("writes exactly what JSON.stringify writes for tricky numbers", () => {
    const tricky = [
      0,
      -0,
      1,
      -1,
      0.1 + 0.2,
      0.3,
      1e21,
      1e21 - 65536,
      999999999999999.9,
      999999999999999,
      1e15,
      1e15 + 0.5,
      1e15 - 0.5,
      2 ** 31,
      2 ** 31 - 1,
      2 ** 31 + 0.5,
      2 ** 53,
      2 ** 53 - 1,
      2 ** 53 + 2,
      5e-324,
      Number.MIN_VALUE,
      Number.MAX_VALUE,
      Number.EPSILON,
      1e-6,
      1e-7,
      9.99e-7,
      1.5e-6,
      0.000001234,
      0.5,
      0.05,
      0.005,
      1.005,
      2.675,
      4.35,
      185.485,
      183.485,
      1635.108,
      123456789.123,
      21474836.47,
      214748364.8,
      4294967296.5,
      9007199254740.992,
      0.1234567890123,
      123456.7890123456,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -185.485,
      -1e-7,
    ];
    expect(mismatches(tricky)).toEqual([]);
    expect(written(Number.NaN)).toBe("null");
    expect(written(-0)).toBe("0");
  });

  it("agrees with JSON.stringify on short decimals, whatever the order of their decimal counts", () => {
    // The search starts at the previous number's count of decimals: fewer, more and the same must all come out right.
    const next = random(7);
    const values: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const decimals = Math.floor(next() * 11);
      const whole = Math.floor(next() * 10 ** Math.floor(next() * 12));
      values.push(Number(`${whole}.${String(Math.floor(next() * 10 ** decimals)).padStart(decimals, "0")}`));
      values.push(Number((next() * 10 ** Math.floor(next() * 16)).toFixed(decimals)));
    }
    expect(mismatches(values)).toEqual([]);
  });

  it("agrees with JSON.stringify on doubles of every magnitude", () => {
    const next = random(11);
    const float = new Float64Array(1);
    const halves = new Uint32Array(float.buffer);
    const values: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      halves[0] = Math.floor(next() * 2 ** 32);
      halves[1] = Math.floor(next() * 2 ** 32);
      values.push(float[0] as number, next(), next() * 1e15, Math.floor(next() * 2 ** 53), i / 1000, i * 1e-7);
    }
    expect(mismatches(values)).toEqual([]);
  });

  it("writes integers below 2^53 as their digits", () => {
    const b = new Uint8Array(32);
    for (const v of [0, 7, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 1e9, 1e9 - 1, 123456789012345, 2 ** 53 - 1]) {
      expect(decoder.decode(b.subarray(0, writeDigits(b, 0, v)))).toBe(String(v));
    }
  });
});
