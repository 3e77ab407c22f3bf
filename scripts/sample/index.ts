import type { Interval } from "@market-data/core/bar";
import type { FileRuleId } from "@market-data/core/parse/types";
import type { RecordRuleId, Severity } from "@market-data/core/quality/types";
import {
  applicableKinds,
  DEFECT_KINDS,
  DEFECT_RULES,
  type DefectKind,
  describeDefect,
  emitWithDefects,
  isDefectRow,
  type PlannedDefect,
  planDefects,
  severityOf,
} from "./defects.ts";
import { OptionsError } from "./errors.ts";
import { type FileDefectKind, fileDefectFiles } from "./fileDefects.ts";
import { FORMAT_INFO, type FormatName, render } from "./formats.ts";
import { buildJobs, type FileJob } from "./jobs.ts";
import { rngFor } from "./prng.ts";
import { recordsOf, renderContext } from "./records.ts";

export { DEFECT_KINDS, DEFECT_RULES, type DefectKind } from "./defects.ts";
export { OptionsError } from "./errors.ts";
export { FILE_DEFECT_KINDS, FILE_DEFECT_RULES, type FileDefectKind } from "./fileDefects.ts";
export { FORMAT_NAMES, type FormatName } from "./formats.ts";

export interface GenerateOptions {
  /** `SYMBOL[:mu[:sigma[:start]]]`, e.g. `AAPL:0.08:0.25`. Default: AAPL, MSFT, IBM, NVDA, JPM, BTC-USD, ETH-USD. */
  symbols?: readonly string[];
  format?: FormatName | "mixed";
  /** Sessions per symbol: NYSE trading days for equities, calendar days for crypto. */
  days?: number;
  /** Sessions of the intraday files in the mixed set. */
  intradayDays?: number;
  /** Last session, `YYYY-MM-DD`. A fixed default keeps the demo reproducible. */
  end?: string;
  interval?: Interval;
  seed?: number;
  /** Share of records to break, per file. */
  defectRate?: number;
  defects?: readonly DefectKind[];
  fileDefects?: readonly FileDefectKind[];
  /** One file of exactly this many records (before injected duplicates), for benchmarks. */
  rows?: number;
}

export const DEFAULTS = {
  symbols: ["AAPL", "MSFT", "IBM", "NVDA", "JPM", "BTC-USD", "ETH-USD"],
  format: "mixed",
  days: 252,
  intradayDays: 5,
  end: "2024-06-28",
  seed: 42,
  defectRate: 0.02,
} as const satisfies GenerateOptions;

/** Files above this many records are rendered on demand rather than held as one string. */
export const LAZY_RECORDS = 50_000;

export interface SampleFile {
  /** Key under the output root (the bucket's `raw/`), e.g. `csv/AAPL.csv`. */
  key: string;
  format: FormatName;
  interval: Interval | null;
  symbols: string[];
  records: number;
  /** Text, bytes (binary garbage), or a function streaming the text in chunks (large files; same output per call). */
  content: string | Uint8Array | (() => Iterable<string>);
}

export interface ManifestFile {
  key: string;
  format: FormatName;
  interval: Interval | null;
  symbols: string[];
  /** Records in the file, injected duplicate rows included. */
  records: number;
  defects: number;
}

/** One injected record defect: the pipeline must flag `row` (1-based record number, header excluded) with `rule`. */
export interface ManifestDefect {
  key: string;
  row: number;
  kind: DefectKind;
  rule: RecordRuleId;
  severity: Severity;
  /** The clean record's symbol (a `bad-symbol` row carries a mangled one). */
  symbol: string;
  detail: string;
}

export interface ManifestFileDefect {
  key: string;
  kind: FileDefectKind;
  rule: FileRuleId;
}

export interface Manifest {
  version: 1;
  options: Required<Omit<GenerateOptions, "interval" | "rows">> & { interval: Interval | null; rows: number | null };
  files: ManifestFile[];
  defects: ManifestDefect[];
  fileDefects: ManifestFileDefect[];
}

/** The sample files the options describe and a manifest of every injected defect. Pure and deterministic. */
export function generateSamples(options: GenerateOptions = {}): { files: SampleFile[]; manifest: Manifest } {
  const o = resolve(options);
  const jobs = buildJobs({ ...o, interval: options.interval, rows: options.rows });
  const files: SampleFile[] = [];
  const defects: ManifestDefect[] = [];
  for (const job of jobs) {
    const plan = planDefects(
      rngFor(o.seed, "defects", job.key),
      job.segments.map((s) => s.take),
      applicableKinds(o.defects, FORMAT_INFO[job.format].traits),
      o.defectRate,
    );
    const found = manifestDefects(job, plan);
    defects.push(...found);
    const records = job.segments.reduce((n, s) => n + s.take, 0) + countCopies(plan);
    const produce = () => render(recordsOf(job, plan, o.seed), renderContext(job));
    files.push({
      key: job.key,
      format: job.format,
      interval: job.interval,
      symbols: job.segments.map((s) => s.spec.symbol),
      records,
      content: records > LAZY_RECORDS ? produce : [...produce()].join(""),
    });
  }
  const fileDefects = o.fileDefects.length > 0 ? withFileDefects(o, files) : [];
  const manifest: Manifest = {
    version: 1,
    options: { ...o, interval: options.interval ?? null, rows: options.rows ?? null },
    files: files.map(({ key, format, interval, symbols, records }) => ({
      key,
      format,
      interval,
      symbols,
      records,
      defects: defects.filter((d) => d.key === key).length,
    })),
    defects,
    fileDefects,
  };
  return { files, manifest };
}

function resolve(options: GenerateOptions) {
  // A benchmark file in a one-symbol format needs one symbol, not the demo's seven.
  const single =
    options.rows !== undefined &&
    options.format !== undefined &&
    options.format !== "mixed" &&
    !FORMAT_INFO[options.format].multiSymbol;
  const o = {
    symbols:
      options.symbols ?? (single ? [options.format === "coingecko-ohlc" ? "BTC-USD" : "AAPL"] : DEFAULTS.symbols),
    format: options.format ?? DEFAULTS.format,
    days: options.days ?? DEFAULTS.days,
    intradayDays: options.intradayDays ?? DEFAULTS.intradayDays,
    end: options.end ?? DEFAULTS.end,
    seed: options.seed ?? DEFAULTS.seed,
    defectRate: options.defectRate ?? DEFAULTS.defectRate,
    defects: options.defects ?? DEFECT_KINDS,
    fileDefects: options.fileDefects ?? [],
  };
  const positive = (n: number | undefined, name: string) => {
    if (n !== undefined && !(Number.isSafeInteger(n) && n >= 1))
      throw new OptionsError(`${name} must be a whole number ≥ 1`);
  };
  positive(o.days, "days");
  positive(o.intradayDays, "intraday days");
  positive(options.rows, "rows");
  if (!Number.isSafeInteger(o.seed)) throw new OptionsError("seed must be an integer");
  if (!(o.defectRate >= 0 && o.defectRate <= 0.5)) throw new OptionsError("defect rate must be between 0 and 0.5");
  if (o.symbols.length === 0) throw new OptionsError("give at least one symbol");
  return o;
}

/** Injected copies add rows: one per duplicate defect. */
function countCopies(plan: ReadonlyMap<number, PlannedDefect>): number {
  let n = 0;
  for (const d of plan.values()) if (d.kind === "duplicate-conflict" || d.kind === "duplicate-exact") n++;
  return n;
}

/** Rows of the manifest, numbered by the same emission order the renderer uses, without generating any bar. */
function manifestDefects(job: FileJob, plan: ReadonlyMap<number, PlannedDefect>): ManifestDefect[] {
  if (plan.size === 0) return [];
  const symbolAt: string[] = [];
  for (const s of job.segments) for (let i = 0; i < s.take; i++) symbolAt.push(s.spec.symbol);
  if (FORMAT_INFO[job.format].newestFirst) symbolAt.reverse();
  const out: ManifestDefect[] = [];
  for (const e of emitWithDefects(symbolAt, plan)) {
    if (!isDefectRow(e)) continue;
    const { kind } = e.defect;
    out.push({
      key: job.key,
      row: e.row,
      kind,
      rule: DEFECT_RULES[kind],
      severity: severityOf(kind),
      symbol: e.item,
      detail: describeDefect(e.defect, e.copy),
    });
  }
  return out;
}

/** Appends the whole-file defects; the truncated JSON is cut from a real-looking Alpha Vantage payload. */
function withFileDefects(o: ReturnType<typeof resolve>, files: SampleFile[]): ManifestFileDefect[] {
  const [sample] = buildJobs({ ...o, symbols: ["IBM"], format: "av-daily", days: 30, interval: "1d", rows: undefined });
  const validAvDaily = sample
    ? [...render(recordsOf(sample, new Map(), o.seed), renderContext(sample))].join("")
    : "{}";
  const made = fileDefectFiles(o.fileDefects, { seed: o.seed, symbol: "IBM", end: o.end, validAvDaily });
  for (const f of made) {
    files.push({ key: f.key, format: f.format, interval: null, symbols: [], records: 0, content: f.content });
  }
  return made.map(({ key, kind, rule }) => ({ key, kind, rule }));
}

/** The file's content as chunks, whatever form it was returned in. */
export function chunksOf(file: SampleFile): Iterable<string | Uint8Array> {
  return typeof file.content === "function" ? file.content() : [file.content];
}

/** The whole content as text (tests, small files); binary garbage is decoded lossily. */
export function textOf(file: SampleFile): string {
  let text = "";
  for (const chunk of chunksOf(file)) text += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  return text;
}
