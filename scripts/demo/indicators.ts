/** The indicator columns the demo shows (the full list is in packages/glue/README.md). */
const SHOWN = ["close", "sma_20", "ema_12", "macd", "rsi_14", "bb_upper", "bb_lower", "volatility_20"] as const;

type Row = Record<string, unknown>;

/** Dates may arrive as Date objects or ISO strings. */
function instant(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(String(value));
}

/** Prints the last daily bar's indicators per symbol as a table. */
export function printIndicators(rows: Row[]): void {
  if (rows.length === 0) return;
  const format = (value: unknown) =>
    typeof value === "number" ? value.toFixed(2) : value === null || value === undefined ? "—" : String(value);
  console.log("\nindicators of the last daily bar (GET /v1/bars and /v1/indicators, from the warehouse):");
  console.log(`  ${"symbol".padEnd(9)}${"trade date".padEnd(12)}${SHOWN.map((c) => c.padStart(14)).join("")}`);
  for (const row of rows) {
    const date = new Date(instant(row.trade_date ?? row.ts)).toISOString().slice(0, 10);
    console.log(
      `  ${String(row.symbol).padEnd(9)}${date.padEnd(12)}${SHOWN.map((c) => format(row[c]).padStart(14)).join("")}`,
    );
  }
}
