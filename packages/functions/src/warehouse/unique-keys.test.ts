import { DELTA_COLUMNS } from "@market-data/core/warehouse/columns";
import { describe, expect, it } from "vitest";
import type { DeltaVector, DeltaVectorBatch } from "./parquet-delta.js";
import { UniqueKeyWitness } from "./unique-keys.js";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A Parquet-shaped batch of (symbol, interval, ts µs) keys; the other columns empty. */
function keys(rows: [string, string, bigint | null][]): DeltaVectorBatch {
  const words = new Int32Array(rows.length * 2);
  const instants = new BigInt64Array(words.buffer);
  const valid = new Uint8Array(rows.length);
  rows.forEach(([, , ts], i) => {
    instants[i] = ts ?? 0n;
    valid[i] = ts === null ? 0 : 1;
  });
  const vectors = DELTA_COLUMNS.map((column): DeltaVector => {
    if (column.name === "symbol") return { type: "text", values: rows.map(([symbol]) => utf8(symbol)) };
    if (column.name === "interval") return { type: "text", values: rows.map(([, interval]) => utf8(interval)) };
    if (column.name === "ts") return { type: "timestamp", words, valid };
    return { type: "text", values: rows.map(() => null) };
  });
  return { rowCount: rows.length, vectors };
}

const DAY = 86_400_000_000n;

function witnessOf(...batches: DeltaVectorBatch[]): boolean {
  const witness = new UniqueKeyWitness();
  for (const batch of batches) witness.observe(batch);
  return witness.unique;
}

describe("UniqueKeyWitness", () => {
  it("proves a delta the Glue way: each series together, in strictly increasing time, across batches", () => {
    const first = keys([
      ["AAPL", "1d", 0n],
      ["AAPL", "1d", DAY],
      ["MSFT", "1d", 0n],
    ]);
    const second = keys([
      ["MSFT", "1d", DAY],
      ["AAPL", "1h", 0n], // another interval of a symbol already seen is another series
      ["BTC-USD", "1d", -DAY], // before 1970: signed order
      ["BTC-USD", "1d", 0n],
    ]);
    expect(witnessOf(first, second)).toBe(true);
    expect(witnessOf()).toBe(true);
  });

  it("gives up on a repeated or earlier instant within a series", () => {
    expect(
      witnessOf(
        keys([
          ["AAPL", "1d", DAY],
          ["AAPL", "1d", DAY],
        ]),
      ),
    ).toBe(false);
    expect(witnessOf(keys([["AAPL", "1d", DAY]]), keys([["AAPL", "1d", 0n]]))).toBe(false);
    // Same low word, smaller high word: compared as 64-bit numbers, not word by word.
    expect(
      witnessOf(
        keys([
          ["AAPL", "1d", 2n ** 32n + 5n],
          ["AAPL", "1d", 5n],
        ]),
      ),
    ).toBe(false);
  });

  it("gives up when a series comes back after another (e.g. split across two files)", () => {
    const fileA = keys([
      ["AAPL", "1d", 0n],
      ["MSFT", "1d", 0n],
    ]);
    const fileB = keys([["AAPL", "1d", DAY]]);
    expect(witnessOf(fileA, fileB)).toBe(false);
  });

  it("gives up on a null key and on hand-made value batches, and stays given up", () => {
    expect(witnessOf(keys([["AAPL", "1d", null]]))).toBe(false);
    const witness = new UniqueKeyWitness();
    witness.observe({ rowCount: 1, columns: DELTA_COLUMNS.map(() => [null]) });
    witness.observe(keys([["AAPL", "1d", 0n]]));
    expect(witness.unique).toBe(false);
  });
});
