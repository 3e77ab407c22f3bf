import { INTERVALS } from "@market-data/core/bar";
import { DEFECT_KINDS } from "./defects.ts";
import { OptionsError } from "./errors.ts";
import { FILE_DEFECT_KINDS } from "./fileDefects.ts";
import { FORMAT_NAMES } from "./formats.ts";
import { DEFAULTS, type GenerateOptions } from "./index.ts";

export interface CliArgs {
  help: boolean;
  out: string;
  manifest: boolean;
  options: GenerateOptions;
}

export const DEFAULT_OUT = ".local/bucket/raw";

export const USAGE = `Usage: npm run generate -- [options]

Writes synthetic market-data files (geometric Brownian motion bars) under --out, with optional injected defects,
and a manifest of every file and defect at <out>/../generated-manifest.json.

Without options it writes a small, reproducible mixed demo set: ${DEFAULTS.symbols.join(", ")};
${DEFAULTS.days} daily sessions up to ${DEFAULTS.end} (a fixed date, so every run writes the same bytes) and
${DEFAULTS.intradayDays} sessions of 5m intraday bars for a few of them, seed ${DEFAULTS.seed}, defect rate ${DEFAULTS.defectRate}.

Options:
  --out DIR             output root (default ${DEFAULT_OUT}); files land at DIR/<key>
  --symbols LIST        comma-separated SYMBOL[:mu[:sigma[:start]]], e.g. AAPL:0.08:0.25,BTC-USD::0.9:42000
                        (annual drift, annual volatility, start price; empty = asset-class default)
  --format NAME         mixed (default) | ${FORMAT_NAMES.join(" | ")}
  --days N              sessions per symbol: NYSE trading days for equities, calendar days for crypto (default ${DEFAULTS.days})
  --intraday-days N     sessions of the intraday files in the mixed set (default ${DEFAULTS.intradayDays})
  --end YYYY-MM-DD      last session (default ${DEFAULTS.end}); must not be in the future
  --interval I          ${INTERVALS.join(" | ")}; intraday formats default to 5m
  --seed N              PRNG seed (default ${DEFAULTS.seed}); same seed, same bytes
  --defect-rate R       share of records to break per file, 0–0.5 (default ${DEFAULTS.defectRate}); 0 for clean data.
                        From about 0.05 the pipeline's file.rejection_rate gate (≤ 5 %) quarantines whole files
  --defects LIST        kinds to inject (default all): ${DEFECT_KINDS.join(", ")}
  --file-defects [LIST] add whole-file defects (all when no list): ${FILE_DEFECT_KINDS.join(", ")}
  --rows N              one file of exactly N records plus injected duplicates (streamed), for benchmarks; default
                        format csv; csv and jsonl add symbols SIM0001… as needed, other formats take one symbol
                        (AAPL, or BTC-USD for coingecko-ohlc, unless --symbols names one)
  --no-manifest         do not write generated-manifest.json
  --help                this text

Example: npm run generate -- --out DIR --symbols AAPL,MSFT,BTC-USD --days 250 --end 2024-06-28 --format csv --defect-rate 0.02 --seed 42
Exit codes: 0 ok, 2 bad options.`;

const VALUED = new Set([
  "out",
  "symbols",
  "format",
  "days",
  "intraday-days",
  "end",
  "interval",
  "seed",
  "defect-rate",
  "defects",
  "rows",
]);

/**
 * Parses argv (without node and script). `now` is passed in so "the end date is not in the future" is testable.
 * Throws OptionsError with a message that says what to fix.
 */
export function parseArgs(argv: readonly string[], now: Date = new Date()): CliArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (!arg.startsWith("--")) throw new OptionsError(`unexpected argument "${arg}" (options start with --)`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (name === "help" || name === "no-manifest") flags.add(name);
    else if (name === "file-defects") {
      // The list is optional: a bare --file-defects means every kind.
      const next = argv[i + 1];
      const value = inline ?? (next !== undefined && !next.startsWith("--") ? next : "all");
      if (inline === undefined && value === next) i++;
      values.set(name, value);
    } else if (VALUED.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith("--"))) {
        throw new OptionsError(`--${name} needs a value`);
      }
      values.set(name, value);
    } else throw new OptionsError(`unknown option --${name} (see --help)`);
  }

  const get = (name: string) => values.get(name);
  const options: GenerateOptions = {};
  const list = (text: string) =>
    text
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
  const symbols = get("symbols");
  if (symbols !== undefined) options.symbols = list(symbols);
  const format = get("format");
  if (format !== undefined) options.format = oneOf(format, ["mixed", ...FORMAT_NAMES] as const, "--format");
  const interval = get("interval");
  if (interval !== undefined) options.interval = oneOf(interval, INTERVALS, "--interval");
  const integer = (name: string) => {
    const text = get(name);
    if (text === undefined) return undefined;
    const n = Number(text.replace(/_/g, ""));
    if (!Number.isSafeInteger(n)) throw new OptionsError(`--${name} must be a whole number, got "${text}"`);
    return n;
  };
  options.days = integer("days");
  options.intradayDays = integer("intraday-days");
  options.seed = integer("seed");
  options.rows = integer("rows");
  const rate = get("defect-rate");
  if (rate !== undefined) {
    const r = Number(rate);
    if (rate.trim() === "" || !Number.isFinite(r))
      throw new OptionsError(`--defect-rate must be a number, got "${rate}"`);
    options.defectRate = r;
  }
  const defects = get("defects");
  if (defects !== undefined) options.defects = list(defects).map((k) => oneOf(k, DEFECT_KINDS, "--defects"));
  const fileDefects = get("file-defects");
  if (fileDefects !== undefined) {
    options.fileDefects =
      fileDefects === "all"
        ? FILE_DEFECT_KINDS
        : list(fileDefects).map((k) => oneOf(k, FILE_DEFECT_KINDS, "--file-defects"));
  }
  const end = get("end");
  if (end !== undefined) {
    // Bars after "now" would all be rejected by ts.not_future: refuse rather than write useless data.
    if (/^\d{4}-\d{2}-\d{2}$/.test(end) && end > now.toISOString().slice(0, 10)) {
      throw new OptionsError(`--end ${end} is in the future: every bar would fail ts.not_future`);
    }
    options.end = end;
  }
  if (options.rows !== undefined && options.format === undefined) options.format = "csv";
  for (const key of Object.keys(options) as (keyof GenerateOptions)[]) {
    if (options[key] === undefined) delete options[key];
  }
  return { help: flags.has("help"), out: get("out") ?? DEFAULT_OUT, manifest: !flags.has("no-manifest"), options };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  const hit = allowed.find((a) => a === value);
  if (hit === undefined)
    throw new OptionsError(`${option}: unknown value "${value}"; expected one of ${allowed.join(", ")}`);
  return hit;
}
