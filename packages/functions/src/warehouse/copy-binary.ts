import type { DeltaVector, DeltaVectorBatch } from "./parquet-delta.js";

/**
 * A batch's tuples in PostgreSQL's binary COPY format (`COPY … FROM STDIN (FORMAT binary)`), for a stream that
 * starts with `COPY_BINARY_HEADER` and ends with `COPY_BINARY_TRAILER` (one COPY carries many batches). Values go
 * in the types' own send formats — float8 and int8 big-endian, timestamptz as microseconds and date as days since
 * 2000-01-01, bool as one byte, text as its UTF-8 bytes (which the server still validates) — so neither side
 * formats or parses a number: the text format cost more CPU in JS and in the server than anything else in the
 * stage load. Null is length -1.
 */
export function toCopyBinaryTuples(batch: DeltaVectorBatch): Uint8Array {
  const { rowCount, vectors } = batch;
  // Each row's size, then its offset: the fields are then written a column at a time (one tight loop per type
  // instead of a type switch per cell), a tile of rows at a time so the rows being written stay in cache.
  const at = new Int32Array(rowCount).fill(2 + 4 * vectors.length);
  for (const vector of vectors) addPayloadBytes(vector, at);
  let size = 0;
  for (let row = 0; row < rowCount; row++) {
    const bytes = at[row] as number;
    at[row] = size;
    size += bytes;
  }
  if (size > 2 ** 31 - 1) throw new Error(`a ${rowCount}-row batch is too large for one COPY buffer`);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let from = 0; from < rowCount; from += TILE_ROWS) {
    const to = Math.min(rowCount, from + TILE_ROWS);
    for (let row = from; row < to; row++) {
      view.setInt16(at[row] as number, vectors.length);
      at[row] = (at[row] as number) + 2;
    }
    for (const vector of vectors) writeColumn(vector, from, to, at, out, view);
  }
  return out;
}

// "PGCOPY\n\377\r\n\0", then flags (no OIDs) and the header-extension length, both 0.
export const COPY_BINARY_HEADER: Uint8Array = new Uint8Array([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
/** The field count -1 that ends a binary COPY stream. */
export const COPY_BINARY_TRAILER: Uint8Array = new Uint8Array([0xff, 0xff]);

const TILE_ROWS = 1024;

const WIDTH = { double: 8, bigint: 8, timestamp: 8, date: 4, boolean: 1 } as const;

/** PostgreSQL's epoch is 2000-01-01: 946,684,800,000,000 µs and 10,957 days after Unix's. */
const PG_EPOCH_US = 946_684_800_000_000;
const PG_EPOCH_HIGH = Math.floor(PG_EPOCH_US / 2 ** 32);
const PG_EPOCH_LOW = PG_EPOCH_US - PG_EPOCH_HIGH * 2 ** 32;
const PG_EPOCH_DAYS = 10_957;

/** Adds each row's bytes of this column's value (nulls have none; the 4-byte lengths are counted already). */
function addPayloadBytes(vector: DeltaVector, rowBytes: Int32Array): void {
  const n = rowBytes.length;
  if (vector.type === "text") {
    for (let row = 0; row < n; row++) rowBytes[row] = (rowBytes[row] as number) + (vector.values[row]?.length ?? 0);
    return;
  }
  const width = WIDTH[vector.type];
  const { valid } = vector;
  for (let row = 0; row < n; row++) if (valid[row] === 1) rowBytes[row] = (rowBytes[row] as number) + width;
}

/** Writes rows [from, to) of one column, each at its row's cursor in `at`, and advances the cursors. */
function writeColumn(vector: DeltaVector, from: number, to: number, at: Int32Array, out: Uint8Array, view: DataView) {
  if (vector.type === "text") {
    for (let row = from; row < to; row++) {
      let o = at[row] as number;
      const bytes = vector.values[row];
      if (bytes === null || bytes === undefined) {
        view.setInt32(o, -1);
        at[row] = o + 4;
        continue;
      }
      const length = bytes.length;
      view.setInt32(o, length);
      o += 4;
      // Short strings (symbols, intervals, codes) copy faster by hand than through TypedArray.set.
      if (length < 24) for (let i = 0; i < length; i++) out[o + i] = bytes[i] as number;
      else out.set(bytes, o);
      at[row] = o + length;
    }
    return;
  }
  const { valid } = vector;
  const width = WIDTH[vector.type];
  for (let row = from; row < to; row++) {
    const o = at[row] as number;
    if (valid[row] !== 1) {
      view.setInt32(o, -1);
      at[row] = o + 4;
      continue;
    }
    view.setInt32(o, width);
    at[row] = o + 4 + width;
  }
  // The values, into the slots just measured (a second loop keeps each one monomorphic).
  switch (vector.type) {
    case "double":
      for (let row = from; row < to; row++) {
        if (valid[row] === 1) view.setFloat64((at[row] as number) - 8, vector.values[row] as number);
      }
      return;
    case "bigint":
      for (let row = from; row < to; row++) {
        if (valid[row] !== 1) continue;
        const o = (at[row] as number) - 8;
        view.setInt32(o, vector.words[2 * row + 1] as number);
        view.setInt32(o + 4, vector.words[2 * row] as number);
      }
      return;
    case "timestamp":
      for (let row = from; row < to; row++) {
        if (valid[row] !== 1) continue;
        // µs since 1970 minus the epoch shift, in 64-bit two's complement from the two words (exact, no BigInt).
        let low = ((vector.words[2 * row] as number) >>> 0) - PG_EPOCH_LOW;
        let high = (vector.words[2 * row + 1] as number) - PG_EPOCH_HIGH;
        if (low < 0) {
          low += 2 ** 32;
          high -= 1;
        }
        const o = (at[row] as number) - 8;
        view.setInt32(o, high);
        view.setUint32(o + 4, low);
      }
      return;
    case "date":
      for (let row = from; row < to; row++) {
        if (valid[row] === 1) view.setInt32((at[row] as number) - 4, (vector.days[row] as number) - PG_EPOCH_DAYS);
      }
      return;
    case "boolean":
      for (let row = from; row < to; row++) {
        if (valid[row] === 1) out[(at[row] as number) - 1] = vector.values[row] as number;
      }
      return;
  }
}
