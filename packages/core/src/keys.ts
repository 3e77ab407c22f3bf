import type { Interval } from "./bar.js";

/**
 * The bucket's key layout (DESIGN.md "Key layout"). One bucket, prefixes as zones.
 * `date` in curated / quarantine / report keys is the UTC day the raw object landed (its LastModified),
 * so one object yields one file per interval and a retry rewrites the same keys.
 */
export const PREFIX = {
  raw: "raw/",
  curated: "curated/",
  quarantine: "quarantine/",
  quarantineFiles: "quarantine/files/",
  reports: "reports/validation/",
  parquet: "parquet/",
  control: "_control/",
  dirty: "_control/dirty/",
} as const;

export const keys = {
  curated: (interval: Interval, date: string, objectId: string) =>
    `curated/interval=${interval}/date=${date}/${objectId}.jsonl.gz`,
  quarantineRecords: (interval: Interval | "unknown", date: string, objectId: string) =>
    `quarantine/interval=${interval}/date=${date}/${objectId}.jsonl.gz`,
  quarantineFile: (objectId: string) => `quarantine/files/${objectId}.json`,
  report: (date: string, objectId: string) => `reports/validation/date=${date}/${objectId}.json`,
  reportsOfDate: (date: string) => `reports/validation/date=${date}/`,
  dirty: (objectId: string) => `_control/dirty/${objectId}.json`,
} as const;

/** True for keys the pipeline must validate (objects dropped under `raw/`, not folder markers). */
export function isRawObjectKey(key: string): boolean {
  return key.startsWith(PREFIX.raw) && !key.endsWith("/");
}

/** Hints a raw key carries: `…/symbol=AAPL/…`, `…/interval=5m/…`, a file name such as `AAPL.csv`, a CoinGecko coin id. */
export interface KeyHints {
  symbol?: string;
  interval?: string;
  fileStem: string;
  /** `raw/coingecko/<coin-id>/…` → the coin id. */
  coinId?: string;
}

export function keyHints(key: string): KeyHints {
  const parts = key.split("/");
  const file = parts[parts.length - 1] ?? "";
  const fileStem = file.replace(/(\.(csv|json|jsonl|ndjson|txt))?(\.gz)?$/i, "");
  const hints: KeyHints = { fileStem };
  for (const part of parts.slice(0, -1)) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).toLowerCase();
    const value = part.slice(eq + 1);
    if (name === "symbol") hints.symbol = value;
    else if (name === "interval") hints.interval = value;
  }
  const cg = parts.indexOf("coingecko");
  if (cg >= 0 && parts.length > cg + 2) {
    const id = parts[cg + 1];
    if (id && !id.includes("=")) hints.coinId = id;
  }
  return hints;
}

/** Keys of the transform's control objects. */
export const controlKeys = {
  claim: (objectId: string) => `_control/claims/${objectId}.json`,
  claims: "_control/claims/",
  workList: (runId: string) => `_control/worklists/${runId}.json`,
  runManifest: (runId: string) => `_control/runs/${runId}.json`,
  /** A run's delta folder: every Parquet file under it is the run's changed rows (what COPY loads). */
  deltaPrefix: (runId: string) => `parquet/delta/run_id=${runId}/`,
} as const;
