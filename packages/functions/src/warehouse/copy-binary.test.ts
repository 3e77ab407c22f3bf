import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, toCopyBinaryTuples } from "./copy-binary.js";
import type { DeltaVectorBatch } from "./parquet-delta.js";
import { PgliteClient } from "./sql-client.js";

/** 64-bit integers as the (low, high) int32 pairs the vectors hold. */
function words(...values: bigint[]): Int32Array {
  return new Int32Array(new BigInt64Array(values).buffer);
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("toCopyBinaryTuples", () => {
  const db = new PGlite();
  afterAll(async () => {
    await db.close();
  });

  it("writes values PostgreSQL reads back exactly: epochs, signs, nulls, NaN, UTF-8", async () => {
    const batch: DeltaVectorBatch = {
      rowCount: 4,
      vectors: [
        {
          type: "text",
          values: [utf8("AAPL"), utf8("tab\there, ünïcödé and a long enough key to copy in bulk"), null, utf8("")],
        },
        {
          type: "timestamp",
          // µs since 1970: 2024-03-01T10:00:00.123456Z, the PostgreSQL epoch, before 1970, null
          words: words(1_709_287_200_123_456n, 946_684_800_000_000n, -1_000_001n, 0n),
          valid: new Uint8Array([1, 1, 1, 0]),
        },
        { type: "date", days: new Int32Array([19_783, 10_957, -1, 0]), valid: new Uint8Array([1, 1, 1, 0]) },
        {
          type: "double",
          values: new Float64Array([1.5, Number.NaN, -0.000123, 0]),
          valid: new Uint8Array([1, 1, 1, 0]),
        },
        {
          type: "bigint",
          words: words(9_007_199_254_740_993n, -9_223_372_036_854_775_808n, -1n, 0n),
          valid: new Uint8Array([1, 1, 1, 0]),
        },
        { type: "boolean", values: new Uint8Array([1, 0, 1, 0]), valid: new Uint8Array([1, 1, 1, 0]) },
      ],
    };
    await db.exec("CREATE TABLE t (s text, ts timestamptz, d date, x double precision, n bigint, b boolean)");
    const client = new PgliteClient(db);
    // Streamed as a loader streams many batches: header, tuples, trailer, in separate chunks.
    const tuples = toCopyBinaryTuples(batch);
    await client.copyFrom("t", { format: "binary", chunks: chunksOf(COPY_BINARY_HEADER, tuples, COPY_BINARY_TRAILER) });
    const rows = await client.query<Record<string, unknown>>(
      `SELECT s, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS ts, d::text AS d, x::text AS x,
         n::text AS n, b FROM t`,
    );
    expect(rows).toEqual([
      { s: "AAPL", ts: "2024-03-01T10:00:00.123456", d: "2024-03-01", x: "1.5", n: "9007199254740993", b: true },
      {
        s: "tab\there, ünïcödé and a long enough key to copy in bulk",
        ts: "2000-01-01T00:00:00.000000",
        d: "2000-01-01",
        x: "NaN",
        n: "-9223372036854775808",
        b: false,
      },
      { s: null, ts: "1969-12-31T23:59:58.999999", d: "1969-12-31", x: "-0.000123", n: "-1", b: true },
      { s: "", ts: null, d: null, x: null, n: null, b: null },
    ]);
  });

  it("writes no tuples for an empty batch: the stream is header and trailer alone", async () => {
    const bytes = Buffer.concat([
      COPY_BINARY_HEADER,
      toCopyBinaryTuples({ rowCount: 0, vectors: [] }),
      COPY_BINARY_TRAILER,
    ]);
    expect(Buffer.from(bytes).toString("latin1")).toBe("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0\xff\xff");
  });
});

async function* chunksOf(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* parts;
}
