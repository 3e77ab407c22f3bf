import { describe, expect, it } from "vitest";
import { KeyIndex } from "./key-index.js";

/** Adds every minute not yet known and checks every answer against a plain Map. */
function agreesWithMap(minutes: readonly number[]): void {
  const index = new KeyIndex();
  const reference = new Map<number, number>();
  for (const [position, minute] of minutes.entries()) {
    const print = Math.imul(minute, 31) ^ position;
    const known = reference.get(minute);
    expect(index.find(minute)).toBe(known !== undefined);
    if (known === undefined) {
      index.add(minute, print);
      reference.set(minute, print);
    } else {
      expect(index.found).toBe(known);
    }
  }
}

function shuffled(values: number[], seed: number): number[] {
  const out = [...values];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as number, out[i] as number];
  }
  return out;
}

describe("KeyIndex", () => {
  const base = 28_000_000;
  const run = Array.from({ length: 3000 }, (_, i) => base + i * 5);

  it("finds keys again in an ascending file", () => agreesWithMap([...run, ...run]));
  it("finds keys again in a descending file", () => agreesWithMap([...[...run].reverse(), ...run]));
  it("finds keys again in a shuffled file", () => agreesWithMap([...shuffled(run, 7), ...shuffled(run, 9)]));
  it("finds keys again when a sorted file turns back on itself", () =>
    agreesWithMap([...run.slice(0, 1000), ...run.slice(0, 500).reverse(), ...run]));
  it("handles keys outside int32 and adjacent duplicates", () =>
    agreesWithMap([5, 5, 2 ** 40, 2 ** 40, 3, 3, 7, 1, 7]));
});
