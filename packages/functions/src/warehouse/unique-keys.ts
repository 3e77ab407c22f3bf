import { DELTA_COLUMNS } from "@market-data/core/warehouse/columns";
import type { DeltaBatch } from "./parquet-delta.js";

const column = (name: string): number => DELTA_COLUMNS.findIndex((c) => c.name === name);
const SYMBOL = column("symbol");
const INTERVAL = column("interval");
const TS = column("ts");

/**
 * Watches a delta's batches go by and proves, when it can, that no two rows share a key (symbol, interval, ts):
 * each series' rows come together, in strictly increasing time, and a series never comes back once left. The
 * Glue job writes every series into one file, sorted (packages/glue/README.md), so its deltas pass, and the merge
 * skips the de-duplication sort of the whole stage. Anything else — a row out of order, a series split across
 * files, a null key, plain-value batches — ends the proof, and the merge de-duplicates as it must.
 * Cost: one comparison of a row with the one before it.
 */
export class UniqueKeyWitness {
  private proven = true;
  private readonly seenSeries = new Set<string>();
  private symbol: Uint8Array | undefined;
  private interval: Uint8Array | undefined;
  private high = 0;
  private low = 0;

  /** True while every row seen so far has had a key no other row had. */
  get unique(): boolean {
    return this.proven;
  }

  observe(batch: DeltaBatch): void {
    if (!this.proven || batch.rowCount === 0) return;
    if (!("vectors" in batch)) {
      this.proven = false; // hand-made rows: not worth proving
      return;
    }
    const symbols = batch.vectors[SYMBOL];
    const intervals = batch.vectors[INTERVAL];
    const ts = batch.vectors[TS];
    if (symbols?.type !== "text" || intervals?.type !== "text" || ts?.type !== "timestamp") {
      this.proven = false;
      return;
    }
    for (let row = 0; row < batch.rowCount; row++) {
      const symbol = symbols.values[row];
      const interval = intervals.values[row];
      if (symbol == null || interval == null || ts.valid[row] !== 1) {
        this.proven = false;
        return;
      }
      const high = ts.words[2 * row + 1] as number;
      const low = (ts.words[2 * row] as number) >>> 0;
      if (sameBytes(symbol, this.symbol) && sameBytes(interval, this.interval)) {
        if (high < this.high || (high === this.high && low <= this.low)) {
          this.proven = false;
          return;
        }
      } else if (!this.enterSeries(symbol, interval)) {
        this.proven = false;
        return;
      }
      this.high = high;
      this.low = low;
    }
  }

  /** A new series starts: false when it was seen before (its rows are not together). */
  private enterSeries(symbol: Uint8Array, interval: Uint8Array): boolean {
    const key = `${Buffer.from(symbol.buffer, symbol.byteOffset, symbol.byteLength).toString("latin1")}\u0000${Buffer.from(interval.buffer, interval.byteOffset, interval.byteLength).toString("latin1")}`;
    if (this.seenSeries.has(key)) return false;
    this.seenSeries.add(key);
    this.symbol = symbol;
    this.interval = interval;
    return true;
  }
}

/** Byte equality, quick when both are the same dictionary entry (the common case within a series). */
function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
