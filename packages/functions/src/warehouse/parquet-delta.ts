import type { ObjectStore } from "@market-data/core/ports";
import { DELTA_COLUMNS } from "@market-data/core/warehouse/columns";
import { type AsyncBuffer, type ColumnData, type FileMetaData, parquetMetadataAsync, parquetRead } from "hyparquet";

/** Values of one delta column: strings (text, instants, dates, int64 as decimal text), numbers, booleans, nulls. */
export type DeltaValue = string | number | boolean | null;

/** A slice of a delta, column-major in `DELTA_COLUMNS` order: what a bulk insert binds as one array per column. */
export interface DeltaBatch {
  rowCount: number;
  columns: DeltaValue[][];
}

/** Thrown when a delta file is not the 37-column layout the Glue job writes (packages/glue/README.md). */
export class DeltaLayoutError extends Error {
  readonly code = "DELTA_LAYOUT";
  constructor(message: string) {
    super(message);
    this.name = "DeltaLayoutError";
  }
}

// Instants and dates become the text PostgreSQL parses exactly; int64 stays exact as decimal text.
const PARSERS = {
  timestampFromMicroseconds: (micros: bigint) => new Date(Number(micros / 1000n)).toISOString(),
  timestampFromMilliseconds: (millis: bigint) => new Date(Number(millis)).toISOString(),
  dateFromDays: (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10),
};

const NAMES = DELTA_COLUMNS.map((column) => column.name);

/**
 * Reads a run's delta files (keys under the object store) one row group at a time and yields batches of at
 * most `batchRows` rows, columns in `DELTA_COLUMNS` order. A file with other columns, or in another order,
 * throws `DeltaLayoutError` before any row is yielded from it.
 */
export async function* readDeltaBatches(
  objects: ObjectStore,
  keys: readonly string[],
  batchRows = 20_000,
): AsyncGenerator<DeltaBatch> {
  for (const key of keys) {
    const bytes = await objects.getBytes(key);
    if (bytes === undefined) throw new DeltaLayoutError(`delta file ${key} is missing`);
    const file = arrayBufferOf(bytes);
    const metadata = await parquetMetadataAsync(file);
    checkLayout(key, metadata);
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupRows = Number(group.num_rows);
      const columns = await readRowGroup(file, metadata, groupStart, groupRows);
      for (let start = 0; start < groupRows; start += batchRows) {
        const end = Math.min(groupRows, start + batchRows);
        yield { rowCount: end - start, columns: columns.map((values) => values.slice(start, end)) };
      }
      groupStart += groupRows;
    }
  }
}

/** The bytes as an ArrayBuffer (hyparquet's AsyncBuffer), without a copy when they fill their buffer. */
function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  const { buffer } = bytes;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) return buffer;
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

function checkLayout(key: string, metadata: FileMetaData): void {
  // schema[0] is the root; its children are the columns, flat (the delta has no nested types).
  const found = metadata.schema.slice(1).map((element) => element.name);
  if (found.join() !== NAMES.join()) {
    throw new DeltaLayoutError(
      `delta file ${key} has columns [${found.join(", ")}]; the merge expects [${NAMES.join(", ")}] in that order`,
    );
  }
}

/** One row group, column-major. Chunks may start before the group: only the group's rows are kept. */
async function readRowGroup(
  file: AsyncBuffer,
  metadata: FileMetaData,
  groupStart: number,
  groupRows: number,
): Promise<DeltaValue[][]> {
  const columns: DeltaValue[][] = NAMES.map(() => new Array<DeltaValue>(groupRows).fill(null));
  const indexOf = new Map(NAMES.map((name, index) => [name, index]));
  const place = (chunk: ColumnData) => {
    const target = columns[indexOf.get(chunk.columnName) ?? -1];
    if (target === undefined) return;
    for (let row = Math.max(chunk.rowStart, groupStart); row < Math.min(chunk.rowEnd, groupStart + groupRows); row++) {
      target[row - groupStart] = toDeltaValue(chunk.columnData[row - chunk.rowStart]);
    }
  };
  await parquetRead({
    file,
    metadata,
    rowStart: groupStart,
    rowEnd: groupStart + groupRows,
    parsers: PARSERS,
    onChunk: place,
  });
  return columns;
}

function toDeltaValue(value: unknown): DeltaValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  throw new DeltaLayoutError(`unexpected Parquet value of type ${typeof value}`);
}
