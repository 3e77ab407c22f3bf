import { dateOfDay, dayOf, isNyseTradingDay, sessionsEnding } from "@market-data/core/calendar";
import type { FileRuleId } from "@market-data/core/parse/types";
import { rngFor } from "./prng.ts";

/** Whole-object defects: each file must land in `quarantine/files/` for the named rule. */
export const FILE_DEFECT_KINDS = [
  "empty-file",
  "truncated-json",
  "binary-garbage",
  "av-throttle",
  "header-only-csv",
  "rejection-rate",
] as const;
export type FileDefectKind = (typeof FILE_DEFECT_KINDS)[number];

/**
 * Zero bytes carry no format to detect, so an empty file fails `file.format_known` (as the core parser decides); a
 * header-only CSV is recognised as CSV and then holds zero records: `file.row_count` (between 1 and the maximum).
 * A CSV whose records are a quarter broken (above the gate's 5 % threshold) fails `file.rejection_rate`: the case
 * that raises the quality-gate alert with counts and top reasons.
 */
export const FILE_DEFECT_RULES = {
  "empty-file": "file.format_known",
  "truncated-json": "file.decodable",
  "binary-garbage": "file.decodable",
  "av-throttle": "file.not_provider_error",
  "header-only-csv": "file.row_count",
  "rejection-rate": "file.rejection_rate",
} as const satisfies Record<FileDefectKind, FileRuleId>;

/** The throttle body Alpha Vantage returns with HTTP 200 (fixtures/alphavantage/README.md, older `Note` form). */
export const AV_THROTTLE_NOTE =
  "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. " +
  "Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency.";

export interface FileDefectFile {
  key: string;
  kind: FileDefectKind;
  rule: FileRuleId;
  /** Intended format, the one the key suggests. */
  format: "csv-yahoo" | "av-daily";
  content: string | Uint8Array;
}

/**
 * Builds the requested whole-file defects. `symbol` names the files; `validAvDaily` is a well-formed Alpha Vantage
 * daily payload to cut short, so the truncated file starts exactly like a real one.
 */
export function fileDefectFiles(
  kinds: readonly FileDefectKind[],
  ctx: { seed: number; symbol: string; end: string; validAvDaily: string },
): FileDefectFile[] {
  return kinds.map((kind) => fileDefectFile(kind, ctx));
}

function fileDefectFile(
  kind: FileDefectKind,
  ctx: { seed: number; symbol: string; end: string; validAvDaily: string },
): FileDefectFile {
  const rule = FILE_DEFECT_RULES[kind];
  switch (kind) {
    case "empty-file":
      return { key: "csv/EMPTY.csv", kind, rule, format: "csv-yahoo", content: "" };
    case "header-only-csv":
      return {
        key: "csv/HEADERONLY.csv",
        kind,
        rule,
        format: "csv-yahoo",
        content: "Date,Open,High,Low,Close,Adj Close,Volume\n",
      };
    case "truncated-json":
      return {
        key: `alphavantage/daily/${ctx.symbol}-${ctx.end}-truncated.json`,
        kind,
        rule,
        format: "av-daily",
        // Cut inside a value, the way an interrupted download ends.
        content: ctx.validAvDaily.slice(0, Math.floor(ctx.validAvDaily.length * 0.6)),
      };
    case "binary-garbage":
      return { key: "csv/GARBAGE.csv", kind, rule, format: "csv-yahoo", content: garbage(ctx.seed) };
    case "rejection-rate":
      return { key: "csv/GATEFAIL.csv", kind, rule, format: "csv-yahoo", content: mostlyBrokenCsv(ctx.end) };
    case "av-throttle":
      return {
        key: `alphavantage/daily/${ctx.symbol}-${ctx.end}-throttled.json`,
        kind,
        rule,
        format: "av-daily",
        content: `${JSON.stringify({ Note: AV_THROTTLE_NOTE }, null, 4)}\n`,
      };
  }
}

/**
 * 4 KiB of noise behind a PNG signature (someone dropped a chart image). The signature's 0x89 is a lone UTF-8
 * continuation byte, so the bytes can never decode as text, and it is not the gzip magic (1f 8b) either.
 */
function garbage(seed: number): Uint8Array {
  const rng = rngFor(seed, "file-defect", "binary-garbage");
  const bytes = new Uint8Array(4096);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 8; i < bytes.length; i++) bytes[i] = rng.int(256);
  return bytes;
}

/** Rows of the rejection-rate file, and one in this many has its high below its low (`ohlc.high_bounds`). */
const GATE_FAIL_ROWS = 40;
const GATE_FAIL_EVERY = 4;

/**
 * A Yahoo-style CSV (symbol from the file name) of the last 40 NYSE sessions up to `end`, every 4th row with its
 * high below its low: 25 % rejected, well above the 5 % the gate allows.
 */
function mostlyBrokenCsv(end: string): string {
  const lines = ["Date,Open,High,Low,Close,Adj Close,Volume"];
  sessionsEnding(dayOf(end), GATE_FAIL_ROWS, isNyseTradingDay).forEach((day, i) => {
    const close = (100 + i * 0.25).toFixed(2);
    const broken = i % GATE_FAIL_EVERY === GATE_FAIL_EVERY - 1;
    const [high, low] = broken ? [(99).toFixed(2), (102).toFixed(2)] : [(102 + i * 0.25).toFixed(2), (98).toFixed(2)];
    lines.push(`${dateOfDay(day)},${close},${high},${low},${close},${close},${1_000_000 + i}`);
  });
  return `${lines.join("\n")}\n`;
}
