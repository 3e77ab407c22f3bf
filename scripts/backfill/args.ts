import { parseArgs as parseNodeArgs } from "node:util";
import { DATE_PATTERN, INTERVALS, type Interval } from "@market-data/core/bar";
import { PROVIDERS, type ProviderId } from "@market-data/core/providers/types";
import { symbolList } from "../../packages/functions/src/ingest/config.ts";

/** What to backfill: local files and folders, and provider histories. */
export type BackfillTarget =
  | { kind: "path"; path: string }
  | { kind: "provider"; provider: ProviderId; symbols: string[] };

export interface BackfillArgs {
  targets: BackfillTarget[];
  from?: string;
  to?: string;
  interval: Interval;
  adjusted: boolean;
  dryRun: boolean;
  /** S3 destination: a bucket name, or a stage whose bucket is looked up. Neither: the offline bucket. */
  bucket?: string;
  stage?: string;
  /** Offline root (the bucket is `<root>/bucket`, manifests go to `<root>/backfill`). */
  root: string;
  /** Key prefix of uploaded files, under raw/. */
  prefix: string;
  concurrency?: number;
  /** How often a non-TTY progress line is printed. */
  progressMs: number;
  help: boolean;
}

export class UsageError extends Error {
  readonly code = "USAGE";
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const USAGE = `Usage: npm run backfill -- <file|folder|provider:SYMBOLS>… [options]

Uploads local files (CSV, JSON, JSONL/NDJSON, optionally .gz) under raw/backfill/<folder name>/<path in it>, or pulls
provider history (alphavantage:IBM,MSFT  coingecko:BTC-USD) under raw/<provider>/…, into the offline bucket
(.local/bucket) or an S3 bucket. Objects already present with the same size and MD5/ETag are skipped, so an
interrupted run is resumed by running the same command again. Every raw object is then validated by the pipeline;
the summary says where each one's report will be.

Options:
  --from YYYY-MM-DD     provider pulls: first day (default: the newest bars only)
  --to YYYY-MM-DD       provider pulls: last day (default: today)
  --interval I          provider pulls: ${INTERVALS.join(" | ")} (default 1d)
  --adjusted            Alpha Vantage: TIME_SERIES_DAILY_ADJUSTED (a premium endpoint)
  --dry-run             list what would be uploaded or pulled; write nothing
  --bucket NAME         upload to this S3 bucket (AWS credentials from the default chain)
  --stage STAGE         upload to the data bucket of a deployed stage (.sst/outputs.json, else the bucket named
                        market-data-<stage>-data…)
  --root DIR            offline root (default .local): the bucket is DIR/bucket
  --prefix P            key prefix for files (default raw/backfill/); must start with raw/
  --concurrency N       uploads in flight (default 8 offline, 16 to S3)
  --progress-ms N       how often progress is printed when not on a terminal (default 2000)
  --help                this text

Provider keys come from the environment: ALPHA_VANTAGE_API_KEY (COINGECKO_API_KEY optional); budgets from
ALPHA_VANTAGE_PER_MINUTE / _PER_DAY (default the free tier, 5/min and 25/day: calls beyond it wait, nothing fails).
Exit codes: 0 done, 1 some objects failed, 2 bad options, 130 interrupted.`;

/** Parses argv (without node and the script). Throws UsageError saying what to fix. */
export function parseBackfillArgs(argv: readonly string[]): BackfillArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { ...defaults(), help: true };
  if (positionals.length === 0) throw new UsageError("name at least one file, folder or provider:SYMBOLS");
  if (values.bucket !== undefined && values.stage !== undefined)
    throw new UsageError("give --bucket or --stage, not both");
  for (const [name, value] of [
    ["from", values.from],
    ["to", values.to],
  ] as const) {
    if (value !== undefined && !DATE_PATTERN.test(value))
      throw new UsageError(`--${name} must be YYYY-MM-DD (got "${value}")`);
  }
  if (values.from !== undefined && values.to !== undefined && values.from > values.to) {
    throw new UsageError(`--from ${values.from} is after --to ${values.to}`);
  }
  const interval = INTERVALS.find((i) => i === (values.interval ?? "1d"));
  if (interval === undefined) throw new UsageError(`--interval must be one of ${INTERVALS.join(", ")}`);
  const prefix = values.prefix ?? "raw/backfill/";
  if (!prefix.startsWith("raw/") || prefix.includes("..") || prefix.includes("\\")) {
    throw new UsageError(`--prefix must start with raw/ (the pipeline validates only raw/) and hold no .. or \\`);
  }
  return {
    ...defaults(),
    targets: positionals.map(targetOf),
    ...(values.from === undefined ? {} : { from: values.from }),
    ...(values.to === undefined ? {} : { to: values.to }),
    interval,
    adjusted: values.adjusted ?? false,
    dryRun: values["dry-run"] ?? false,
    ...(values.bucket === undefined ? {} : { bucket: values.bucket }),
    ...(values.stage === undefined ? {} : { stage: values.stage }),
    root: values.root ?? ".local",
    prefix: prefix.endsWith("/") ? prefix : `${prefix}/`,
    ...(values.concurrency === undefined ? {} : { concurrency: positive(values.concurrency, "--concurrency") }),
    progressMs: values["progress-ms"] === undefined ? 2000 : positive(values["progress-ms"], "--progress-ms"),
  };
}

function parse(argv: readonly string[]) {
  return parseNodeArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      from: { type: "string" },
      to: { type: "string" },
      interval: { type: "string" },
      adjusted: { type: "boolean" },
      "dry-run": { type: "boolean" },
      bucket: { type: "string" },
      stage: { type: "string" },
      root: { type: "string" },
      prefix: { type: "string" },
      concurrency: { type: "string" },
      "progress-ms": { type: "string" },
      help: { type: "boolean" },
    },
  });
}

function defaults(): BackfillArgs {
  return {
    targets: [],
    interval: "1d",
    adjusted: false,
    dryRun: false,
    root: ".local",
    prefix: "raw/backfill/",
    progressMs: 2000,
    help: false,
  };
}

/** `alphavantage:IBM,MSFT` is a provider pull; anything else is a path (a file named `x:y` needs `./x:y`). */
function targetOf(arg: string): BackfillTarget {
  const colon = arg.indexOf(":");
  const provider = PROVIDERS.find((p) => p === arg.slice(0, colon).toLowerCase());
  if (colon > 0 && provider !== undefined) {
    try {
      const symbols = symbolList(arg.slice(colon + 1), arg);
      if (symbols.length === 0) throw new UsageError(`${arg}: name at least one symbol, e.g. ${provider}:IBM,MSFT`);
      return { kind: "provider", provider, symbols };
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  }
  return { kind: "path", path: arg };
}

function positive(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number ≥ 1 (got "${text}")`);
  return n;
}
