import type { ObjectStore } from "@market-data/core/ports";
import { type ColumnType, DELTA_COLUMNS } from "@market-data/core/warehouse/columns";
import { type ColumnMetaData, type FileMetaData, parquetMetadata, parquetSchema, type SchemaTree } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { decompressPage, readDataPage, readDataPageV2 } from "hyparquet/src/datapage.js";
import { readRleBitPackedHybrid } from "hyparquet/src/encoding.js";
import { readPlain } from "hyparquet/src/plain.js";
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getTreePath } from "hyparquet/src/schema.js";

/** Values of one delta column as plain JS: text, instants and dates as ISO text, int64 as decimal text. */
export type DeltaValue = string | number | boolean | null;

/**
 * One column of a batch as the Parquet holds it, in typed arrays (no object per value: decoding a million rows
 * into boxed values cost more than the whole merge's SQL). `valid[i]` is 1 where row i has a value.
 * - `double`: the values; `bigint` / `timestamp`: 64-bit integers as (low, high) int32 word pairs, timestamps in
 *   microseconds since 1970-01-01 UTC; `date`: days since 1970-01-01; `boolean`: 0 / 1;
 * - `text`: the UTF-8 bytes as stored (null for null), so they reach the database without a decode and re-encode.
 */
export type DeltaVector =
  | { type: "double"; values: Float64Array; valid: Uint8Array }
  | { type: "bigint" | "timestamp"; words: Int32Array; valid: Uint8Array }
  | { type: "date"; days: Int32Array; valid: Uint8Array }
  | { type: "boolean"; values: Uint8Array; valid: Uint8Array }
  | { type: "text"; values: (Uint8Array | null)[] };

/** A slice of a delta read from Parquet: one vector per column, in `DELTA_COLUMNS` order. */
export interface DeltaVectorBatch {
  rowCount: number;
  vectors: DeltaVector[];
}

/** A slice of a delta as plain values, column-major in `DELTA_COLUMNS` order (tests, hand-made rows). */
export interface DeltaValueBatch {
  rowCount: number;
  columns: DeltaValue[][];
}

export type DeltaBatch = DeltaVectorBatch | DeltaValueBatch;

/** Thrown when a delta file is not the 37-column layout the Glue job writes (packages/glue/README.md). */
export class DeltaLayoutError extends Error {
  readonly code = "DELTA_LAYOUT";
  constructor(message: string) {
    super(message);
    this.name = "DeltaLayoutError";
  }
}

const NAMES = DELTA_COLUMNS.map((column) => column.name);

/**
 * Reads a run's delta files (keys under the object store) and yields batches of at most `batchRows` rows,
 * columns in `DELTA_COLUMNS` order. Pages are decoded as the batches need them, so a row group is never held
 * decoded whole and the first batch is ready early. A file with other columns, another order or other types
 * throws `DeltaLayoutError` before any row is yielded from it.
 */
export async function* readDeltaBatches(
  objects: ObjectStore,
  keys: readonly string[],
  batchRows = 50_000,
): AsyncGenerator<DeltaVectorBatch> {
  for (const key of keys) {
    const bytes = await objects.getBytes(key);
    if (bytes === undefined) throw new DeltaLayoutError(`delta file ${key} is missing`);
    const metadata = readMetadata(key, bytes);
    const layout = checkLayout(key, metadata);
    for (const group of metadata.row_groups) {
      const groupRows = Number(group.num_rows);
      const cursors = group.columns.map((chunk, index) => {
        const meta = chunk.meta_data;
        const column = layout[index];
        if (meta === undefined || column === undefined || chunk.file_path) {
          throw new DeltaLayoutError(`delta file ${key} has a column chunk without data in this file`);
        }
        return new ColumnCursor(bytes, meta, column);
      });
      if (cursors.length !== NAMES.length) {
        throw new DeltaLayoutError(`delta file ${key} has a row group of ${cursors.length} columns`);
      }
      for (let start = 0; start < groupRows; start += batchRows) {
        const rowCount = Math.min(batchRows, groupRows - start);
        yield { rowCount, vectors: cursors.map((cursor) => cursor.take(key, rowCount)) };
      }
    }
  }
}

/** The file's Parquet footer; a file without one (truncated, not Parquet) is a `DeltaLayoutError` naming it. */
function readMetadata(key: string, bytes: Uint8Array): FileMetaData {
  try {
    return parquetMetadata(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DeltaLayoutError(`delta file ${key} is not readable Parquet (${reason})`);
  }
}

/** One row of a batch, by column name, as plain values (tests, messages). */
export function batchRow(batch: DeltaBatch, row: number): Record<string, DeltaValue> {
  return Object.fromEntries(NAMES.map((name, c) => [name, batchValue(batch, c, row)]));
}

/** The plain value of one cell: ISO instants (millisecond precision) and dates, int64 as decimal text. */
export function batchValue(batch: DeltaBatch, column: number, row: number): DeltaValue {
  if ("columns" in batch) return batch.columns[column]?.[row] ?? null;
  const vector = batch.vectors[column];
  if (vector === undefined) return null;
  if (vector.type === "text") {
    const bytes = vector.values[row];
    return bytes === null || bytes === undefined ? null : UTF8.decode(bytes);
  }
  if (vector.valid[row] !== 1) return null;
  switch (vector.type) {
    case "double":
      return vector.values[row] ?? null;
    case "boolean":
      return vector.values[row] === 1;
    case "date":
      return new Date((vector.days[row] ?? 0) * DAY_MS).toISOString().slice(0, 10);
    case "bigint":
      return wordsToBigInt(vector.words, row).toString();
    case "timestamp":
      return new Date(Number(wordsToBigInt(vector.words, row) / 1000n)).toISOString();
  }
}

const UTF8 = new TextDecoder();
const DAY_MS = 86_400_000;

function wordsToBigInt(words: Int32Array, row: number): bigint {
  return (BigInt(words[2 * row + 1] ?? 0) << 32n) | BigInt((words[2 * row] ?? 0) >>> 0);
}

/** What a delta column must be in Parquet, and how its values are decoded. */
interface ColumnLayout {
  name: string;
  type: ColumnType;
  schemaPath: SchemaTree[];
  /** The unit of a timestamp column's integers (undefined for other columns); vectors hold microseconds. */
  timeUnit: "MILLIS" | "MICROS" | "NANOS" | undefined;
}

/** The file's columns must be `DELTA_COLUMNS`' names, in order, flat, with physical types that fit theirs. */
function checkLayout(key: string, metadata: FileMetaData): ColumnLayout[] {
  // schema[0] is the root; its children are the columns, flat (the delta has no nested types).
  const found = metadata.schema.slice(1).map((element) => element.name);
  if (found.join() !== NAMES.join()) {
    throw new DeltaLayoutError(
      `delta file ${key} has columns [${found.join(", ")}]; the merge expects [${NAMES.join(", ")}] in that order`,
    );
  }
  const tree = parquetSchema(metadata);
  return DELTA_COLUMNS.map((column) => {
    const schemaPath = getTreePath(tree, [column.name]);
    const element = schemaPath[schemaPath.length - 1]?.element;
    const physical = element?.type;
    const logical = element?.logical_type;
    const converted = element?.converted_type;
    let timeUnit: ColumnLayout["timeUnit"];
    if (logical?.type === "TIMESTAMP") timeUnit = logical.unit;
    else if (converted === "TIMESTAMP_MICROS") timeUnit = "MICROS";
    else if (converted === "TIMESTAMP_MILLIS") timeUnit = "MILLIS";
    const fits: Record<ColumnType, boolean> = {
      text: physical === "BYTE_ARRAY",
      timestamp: physical === "INT64" && timeUnit !== undefined,
      date: physical === "INT32" && (converted === "DATE" || logical?.type === "DATE"),
      double: physical === "DOUBLE" || physical === "FLOAT",
      bigint: (physical === "INT64" || physical === "INT32") && timeUnit === undefined,
      boolean: physical === "BOOLEAN",
    };
    if (!fits[column.type] || getMaxRepetitionLevel(schemaPath) > 0) {
      const described = [physical, logical?.type ?? converted].filter(Boolean).join(" ");
      throw new DeltaLayoutError(
        `delta file ${key}: column ${column.name} is ${described || "a group"} in Parquet; the merge expects ${column.type}`,
      );
    }
    return { name: column.name, type: column.type, schemaPath, timeUnit };
  });
}

type ColumnDecoder = Parameters<typeof readDataPage>[2];
type Decoded = ReturnType<typeof readPlain>;

/**
 * Page values in the form the copy loops read without conversions: numbers, 0/1 flags, UTF-8 byte strings, or
 * 64-bit integers as (low, high) int32 pairs (a view of the page's BigInt64Array: no BigInt per value).
 */
type Source = ArrayLike<number> | ArrayLike<boolean> | readonly unknown[];

/** The data page being consumed: its definition levels, its values, and how far we are. */
interface PageState {
  rows: number;
  /** Empty when the page has no nulls. */
  defs: ArrayLike<number>;
  /** The page's non-null values, or the dictionary when `indices` is set. */
  source: Source;
  /** Dictionary-encoded pages: the dictionary index of each non-null value. */
  indices: ArrayLike<number> | undefined;
  row: number;
  value: number;
}

/**
 * Walks one column chunk page by page (hyparquet decodes each page; this copies it into typed vectors). Pages
 * are decompressed only when `take` reaches them.
 */
class ColumnCursor {
  private readonly reader: { view: DataView; offset: number };
  private readonly end: number;
  private readonly decoder: ColumnDecoder;
  private readonly maxDefinition: number;
  /** INT32 values in a bigint column. */
  private readonly widen: boolean;
  private dictionary: Source | undefined;
  private page: PageState | undefined;

  constructor(
    file: Uint8Array,
    private readonly meta: ColumnMetaData,
    private readonly layout: ColumnLayout,
  ) {
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    const length = Number(meta.total_compressed_size);
    if (start + length > file.byteLength) throw new DeltaLayoutError(`column ${layout.name} lies past the file's end`);
    this.reader = { view: new DataView(file.buffer, file.byteOffset + start, length), offset: 0 };
    this.end = length;
    const element = layout.schemaPath[layout.schemaPath.length - 1]?.element;
    if (element === undefined) throw new DeltaLayoutError(`column ${layout.name} has no schema element`);
    this.decoder = {
      pathInSchema: meta.path_in_schema,
      type: meta.type,
      element,
      schemaPath: layout.schemaPath,
      codec: meta.codec,
      parsers: NO_PARSERS,
    };
    this.maxDefinition = getMaxDefinitionLevel(layout.schemaPath);
    this.widen = layout.type === "bigint" && meta.type === "INT32";
  }

  /** The next `count` rows of this column as a vector. */
  take(key: string, count: number): DeltaVector {
    const out = allocate(this.layout.type, count);
    let filled = 0;
    while (filled < count) {
      const page = this.currentPage(key);
      const n = Math.min(count - filled, page.rows - page.row);
      copyRows(page, this.maxDefinition, out, filled, n);
      filled += n;
    }
    if (out.type === "timestamp" && this.layout.timeUnit !== "MICROS") rescaleToMicros(out, this.layout.timeUnit);
    return out;
  }

  private currentPage(key: string): PageState {
    while (this.page === undefined || this.page.row >= this.page.rows) {
      if (this.reader.offset >= this.end) {
        throw new DeltaLayoutError(`delta file ${key}: column ${this.layout.name} ends before its row group does`);
      }
      this.page = this.nextPage();
    }
    return this.page;
  }

  /** Reads the next page header and page; a dictionary page is kept for the data pages after it. */
  private nextPage(): PageState | undefined {
    const header = parquetHeader(this.reader);
    const { view } = this.reader;
    const compressed = new Uint8Array(view.buffer, view.byteOffset + this.reader.offset, header.compressed_page_size);
    this.reader.offset += header.compressed_page_size;
    const { codec } = this.meta;
    if (header.type === "DICTIONARY_PAGE") {
      const page = decompressPage(compressed, header.uncompressed_page_size, codec, undefined);
      const count = header.dictionary_page_header?.num_values ?? 0;
      const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
      this.dictionary = toSource(
        readPlain(reader, this.meta.type, count, this.decoder.element.type_length),
        this.widen,
      );
      return undefined;
    }
    let rows: number;
    let encoding: string;
    let decoded: { definitionLevels: ArrayLike<number> | undefined; dataPage: Decoded };
    if (header.type === "DATA_PAGE" && header.data_page_header !== undefined) {
      const page = decompressPage(compressed, header.uncompressed_page_size, codec, undefined);
      const daph = header.data_page_header;
      decoded = this.readCommonPage(page, daph) ?? readDataPage(page, daph, this.decoder);
      rows = daph.num_values;
      encoding = daph.encoding;
    } else if (header.type === "DATA_PAGE_V2" && header.data_page_header_v2 !== undefined) {
      decoded = readDataPageV2(compressed, header, this.decoder);
      rows = header.data_page_header_v2.num_values;
      encoding = header.data_page_header_v2.encoding;
    } else {
      return undefined; // an index page: nothing to read
    }
    const defs = decoded.definitionLevels ?? [];
    if (!encoding.endsWith("_DICTIONARY")) {
      return { rows, defs, source: toSource(decoded.dataPage, this.widen), indices: undefined, row: 0, value: 0 };
    }
    if (this.dictionary === undefined) {
      throw new DeltaLayoutError(`column ${this.layout.name} has a dictionary-encoded page but no dictionary`);
    }
    const indices = decoded.dataPage as ArrayLike<number>;
    return { rows, defs, source: this.dictionary, indices, row: 0, value: 0 };
  }

  /**
   * hyparquet's `readDataPage` for the pages Spark and pyarrow write (v1, optional or required flat column,
   * PLAIN or dictionary indices), decoding levels and indices into typed arrays rather than JS arrays (a third of
   * the read's time went there). Undefined for anything else, which hyparquet then decodes.
   */
  private readCommonPage(
    page: Uint8Array,
    daph: { num_values: number; encoding: string; definition_level_encoding: string },
  ): { definitionLevels: ArrayLike<number>; dataPage: Decoded } | undefined {
    const dictionary = daph.encoding === "PLAIN_DICTIONARY" || daph.encoding === "RLE_DICTIONARY";
    if (this.maxDefinition > 1 || (daph.encoding !== "PLAIN" && !dictionary)) {
      return undefined;
    }
    const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
    let defs: Uint8Array = EMPTY;
    let present = daph.num_values;
    if (this.maxDefinition === 1) {
      if (daph.definition_level_encoding !== "RLE") return undefined;
      defs = new Uint8Array(daph.num_values);
      readRleBitPackedHybrid(reader, 1, defs); // length-prefixed
      present = 0;
      for (let i = 0; i < defs.length; i++) present += defs[i] as number;
      if (present === defs.length) defs = EMPTY;
    }
    if (!dictionary) {
      return {
        definitionLevels: defs,
        dataPage: readPlain(reader, this.meta.type, present, this.decoder.element.type_length),
      };
    }
    const bitWidth = reader.view.getUint8(reader.offset++);
    const indices = new Int32Array(present);
    if (bitWidth > 0) readRleBitPackedHybrid(reader, bitWidth, indices, page.byteLength - reader.offset);
    return { definitionLevels: defs, dataPage: indices };
  }
}

const EMPTY = new Uint8Array(0);

/**
 * 64-bit integers become (low, high) word pairs once per page (a view, no copy), and so do INT32 values bound
 * for a bigint column (sign-extended); everything else is read as decoded.
 */
function toSource(decoded: Decoded, widen: boolean): Source {
  if (decoded instanceof BigInt64Array) return new Int32Array(decoded.buffer, decoded.byteOffset, decoded.length * 2);
  if (widen) {
    const narrow = decoded as ArrayLike<number>;
    const pairs = new Int32Array(narrow.length * 2);
    for (let i = 0; i < narrow.length; i++) {
      const value = narrow[i] as number;
      pairs[2 * i] = value;
      pairs[2 * i + 1] = value < 0 ? -1 : 0;
    }
    return pairs;
  }
  return decoded as Source;
}

// The cursor reads raw physical values; hyparquet's parsers never run (no convert step), but the type wants them.
const NO_PARSERS: ColumnDecoder["parsers"] = {
  timestampFromMilliseconds: (millis) => millis,
  timestampFromMicroseconds: (micros) => micros,
  timestampFromNanoseconds: (nanos) => nanos,
  dateFromDays: (days) => days,
  stringFromBytes: (bytes) => bytes,
  jsonFromBytes: (bytes) => bytes,
  geometryFromBytes: (bytes) => bytes,
  geographyFromBytes: (bytes) => bytes,
  uuidFromBytes: (bytes) => bytes,
};

function asBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new DeltaLayoutError(`expected UTF-8 bytes in a text column, got ${typeof value}`);
}

/** Copies `n` rows of the page into `out` from row `at`: one tight loop per vector type. */
function copyRows(page: PageState, maxDefinition: number, out: DeltaVector, at: number, n: number): void {
  const { defs, indices, row } = page;
  const hasNulls = defs.length > 0;
  let k = page.value;
  const present = (i: number) => !hasNulls || defs[row + i] === maxDefinition;
  const next = () => (indices === undefined ? k++ : (indices[k++] as number));
  switch (out.type) {
    case "text": {
      const source = page.source as readonly unknown[];
      for (let i = 0; i < n; i++) out.values[at + i] = present(i) ? asBytes(source[next()]) : null;
      break;
    }
    case "double": {
      const source = page.source as ArrayLike<number>;
      for (let i = 0; i < n; i++) {
        if (!present(i)) continue;
        out.valid[at + i] = 1;
        out.values[at + i] = source[next()] as number;
      }
      break;
    }
    case "boolean": {
      const source = page.source as ArrayLike<unknown>;
      for (let i = 0; i < n; i++) {
        if (!present(i)) continue;
        out.valid[at + i] = 1;
        out.values[at + i] = source[next()] ? 1 : 0;
      }
      break;
    }
    case "date": {
      const source = page.source as ArrayLike<number>;
      for (let i = 0; i < n; i++) {
        if (!present(i)) continue;
        out.valid[at + i] = 1;
        out.days[at + i] = source[next()] as number;
      }
      break;
    }
    default: {
      const { words, valid } = out;
      const pairs = page.source as ArrayLike<number>;
      for (let i = 0; i < n; i++) {
        if (!present(i)) continue;
        valid[at + i] = 1;
        const j = 2 * next();
        words[2 * (at + i)] = pairs[j] as number;
        words[2 * (at + i) + 1] = pairs[j + 1] as number;
      }
    }
  }
  page.row += n;
  page.value = k;
}

/** Millisecond or nanosecond timestamps to microseconds (exact for ms; ns truncated toward -∞). Rare path. */
function rescaleToMicros(out: { words: Int32Array; valid: Uint8Array }, unit: ColumnLayout["timeUnit"]): void {
  const wide = new BigInt64Array(out.words.buffer, out.words.byteOffset, out.words.length / 2);
  for (let i = 0; i < wide.length; i++) {
    if (out.valid[i] !== 1) continue;
    const value = wide[i] ?? 0n;
    if (unit === "MILLIS") wide[i] = value * 1000n;
    else wide[i] = value >= 0n ? value / 1000n : (value - 999n) / 1000n;
  }
}

function allocate(type: ColumnType, n: number): DeltaVector {
  switch (type) {
    case "text":
      return { type, values: new Array<Uint8Array | null>(n).fill(null) };
    case "double":
      return { type, values: new Float64Array(n), valid: new Uint8Array(n) };
    case "boolean":
      return { type, values: new Uint8Array(n), valid: new Uint8Array(n) };
    case "date":
      return { type, days: new Int32Array(n), valid: new Uint8Array(n) };
    case "bigint":
    case "timestamp":
      return { type, words: new Int32Array(2 * n), valid: new Uint8Array(n) };
  }
}
