import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";

/** The indicator columns the demo shows (the full list is in packages/glue/README.md). */
const SHOWN = ["close", "sma_20", "ema_12", "macd", "rsi_14", "bb_upper", "bb_lower", "volatility_20"] as const;

type Row = Record<string, unknown>;

/** Parquet TIMESTAMP / DATE columns arrive as Date objects, ISO strings elsewhere. */
function instant(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(String(value));
}

/**
 * The last daily bar per symbol from the transform's full table (`parquet/bars/interval=1d/…`), read from the
 * newest month partition that holds each symbol. Offline only: the warehouse issue serves these over the API.
 */
export async function lastDailyIndicators(bucketRoot: string): Promise<Row[]> {
  const table = join(bucketRoot, "parquet", "bars", "interval=1d");
  const partitions: { year: number; month: number; dir: string }[] = [];
  for (const year of await readdir(table).catch(() => [] as string[])) {
    for (const month of await readdir(join(table, year)).catch(() => [] as string[])) {
      const y = Number(year.split("=")[1]);
      const m = Number(month.split("=")[1]);
      if (Number.isInteger(y) && Number.isInteger(m))
        partitions.push({ year: y, month: m, dir: join(table, year, month) });
    }
  }
  partitions.sort((a, b) => b.year - a.year || b.month - a.month);
  const last = new Map<string, Row>();
  // Newest partitions first; two are enough unless a symbol stopped trading earlier.
  for (const partition of partitions.slice(0, 3)) {
    for (const name of (await readdir(partition.dir)).filter((file) => file.endsWith(".parquet"))) {
      const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(join(partition.dir, name)) })) as Row[];
      for (const row of rows) {
        const symbol = String(row.symbol);
        const seen = last.get(symbol);
        if (seen === undefined || instant(row.ts) > instant(seen.ts)) last.set(symbol, row);
      }
    }
  }
  return [...last.values()].sort((a, b) => String(a.symbol).localeCompare(String(b.symbol)));
}

/** Prints the last daily bar's indicators per symbol as a table. */
export function printIndicators(rows: Row[]): void {
  if (rows.length === 0) return;
  const format = (value: unknown) =>
    typeof value === "number" ? value.toFixed(2) : value === null || value === undefined ? "—" : String(value);
  console.log("\nindicators of the last daily bar (parquet/bars, from the Spark transform):");
  console.log(`  ${"symbol".padEnd(9)}${"trade date".padEnd(12)}${SHOWN.map((c) => c.padStart(14)).join("")}`);
  for (const row of rows) {
    const date = new Date(instant(row.trade_date ?? row.ts)).toISOString().slice(0, 10);
    console.log(
      `  ${String(row.symbol).padEnd(9)}${date.padEnd(12)}${SHOWN.map((c) => format(row[c]).padStart(14)).join("")}`,
    );
  }
}
