import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, toCopyBinaryTuples } from "./copy-binary.js";
import { toCopyText } from "./copy-text.js";
import type { DeltaBatch } from "./parquet-delta.js";
import type { CopyRows } from "./sql-client.js";

/**
 * A delta's batches as the rows of COPY statements, encoded as each COPY pulls them: Parquet-read batches in the
 * binary format, plain-value batches (tests' hand-made rows) in the text format. One COPY takes one format, so
 * each run of batches of one kind is one segment: a delta read from Parquet is a single COPY. Take a segment's
 * chunks to the end before asking for the next segment. `onBatch` sees each batch just before it is encoded.
 */
export async function* deltaCopySegments(
  batches: AsyncIterable<DeltaBatch>,
  onBatch: (batch: DeltaBatch) => void,
): AsyncGenerator<CopyRows> {
  const iterator = batches[Symbol.asyncIterator]();
  let next = await iterator.next();
  try {
    while (next.done !== true) {
      const binary = "vectors" in next.value;
      const chunks = async function* (): AsyncGenerator<Uint8Array> {
        if (binary) yield COPY_BINARY_HEADER;
        while (next.done !== true && "vectors" in next.value === binary) {
          const batch = next.value;
          onBatch(batch);
          yield "vectors" in batch ? toCopyBinaryTuples(batch) : Buffer.from(toCopyText(batch), "utf8");
          next = await iterator.next();
        }
        if (binary) yield COPY_BINARY_TRAILER;
      };
      const before = next;
      yield { format: binary ? "binary" : "text", chunks: chunks() };
      if (next === before) throw new Error("a COPY segment was not read to its end before the next was asked for");
    }
  } finally {
    if (next.done !== true) await iterator.return?.();
  }
}
