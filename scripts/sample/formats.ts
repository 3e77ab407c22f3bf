import { type AssetClass, INTERVAL_MS, type Interval, toUtcTs } from "@market-data/core/bar";
import { isoDate } from "@market-data/core/calendar";
import type { Cell, Cells, FormatTraits } from "./defects.ts";
import { formatEastern } from "./sessions.ts";

/** The file formats the generator writes (fixtures/ shows the provider originals). */
export const FORMAT_NAMES = [
  "csv-yahoo",
  "csv",
  "csv-intraday",
  "av-daily",
  "av-daily-adjusted",
  "av-intraday",
  "coingecko-ohlc",
  "jsonl",
] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export interface FormatInfo {
  traits: FormatTraits;
  /** Many symbols in one file (a symbol column or field) rather than one file per symbol. */
  multiSymbol: boolean;
  intervals: "daily" | "intraday" | "any";
  /** Asset classes the provider format exists for. */
  assetClasses: readonly AssetClass[];
  /** Alpha Vantage lists the newest bar first. */
  newestFirst: boolean;
}

const ALL_CLASSES = ["equity", "crypto", "fx", "index"] as const;
const perSymbol = (volume: boolean): FormatTraits => ({ symbolColumn: false, duplicates: true, volume });
const avTraits: FormatTraits = { symbolColumn: false, duplicates: false, volume: true };

export const FORMAT_INFO = {
  "csv-yahoo": {
    traits: perSymbol(true),
    multiSymbol: false,
    intervals: "daily",
    assetClasses: ALL_CLASSES,
    newestFirst: false,
  },
  csv: {
    traits: { symbolColumn: true, duplicates: true, volume: true },
    multiSymbol: true,
    intervals: "daily",
    assetClasses: ALL_CLASSES,
    newestFirst: false,
  },
  "csv-intraday": {
    traits: perSymbol(true),
    multiSymbol: false,
    intervals: "intraday",
    assetClasses: ALL_CLASSES,
    newestFirst: false,
  },
  "av-daily": { traits: avTraits, multiSymbol: false, intervals: "daily", assetClasses: ["equity"], newestFirst: true },
  "av-daily-adjusted": {
    traits: avTraits,
    multiSymbol: false,
    intervals: "daily",
    assetClasses: ["equity"],
    newestFirst: true,
  },
  "av-intraday": {
    traits: avTraits,
    multiSymbol: false,
    intervals: "intraday",
    assetClasses: ["equity"],
    newestFirst: true,
  },
  // CoinGecko candles carry no volume column, so there is no volume to break.
  "coingecko-ohlc": {
    traits: perSymbol(false),
    multiSymbol: false,
    intervals: "daily",
    assetClasses: ["crypto"],
    newestFirst: false,
  },
  jsonl: {
    traits: { symbolColumn: true, duplicates: true, volume: true },
    multiSymbol: true,
    intervals: "any",
    assetClasses: ALL_CLASSES,
    newestFirst: false,
  },
} as const satisfies Record<FormatName, FormatInfo>;

/** What a payload's header or metadata says, computed from the clean data (a defect row never moves it). */
export interface RenderContext {
  format: FormatName;
  interval: Interval;
  /** The file's symbol for single-symbol formats (Alpha Vantage `2. Symbol`). */
  symbol: string;
  /** Bar start of the newest clean bar, epoch ms: Alpha Vantage `3. Last Refreshed`. */
  lastRefreshed: number;
  /** Clean records in the file: Alpha Vantage's "Compact" means the last 100. */
  records: number;
  /** Windows export: UTF-8 BOM and CRLF line ends (CSV only), a variant users drop. */
  windows?: boolean;
}

const CHUNK_CHARS = 1 << 16;

/** Renders records (already in file order) as text chunks of ~64 KiB, so large files stream. */
export function* render(records: Iterable<Cells>, ctx: RenderContext): Generator<string> {
  const eol = ctx.windows ? "\r\n" : "\n";
  const { head, line, separator, tail } = layout(ctx, eol);
  let buffer = ctx.windows ? `\uFEFF${head}` : head;
  let first = true;
  for (const r of records) {
    buffer += (first ? "" : separator) + line(r);
    first = false;
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = "";
    }
  }
  yield buffer + tail;
}

interface Layout {
  head: string;
  line: (r: Cells) => string;
  separator: string;
  tail: string;
}

function layout(ctx: RenderContext, eol: string): Layout {
  const csv = (header: string, line: (r: Cells) => string): Layout => ({
    head: header + eol,
    line: (r) => line(r) + eol,
    separator: "",
    tail: "",
  });
  switch (ctx.format) {
    case "csv-yahoo":
      return csv(
        "Date,Open,High,Low,Close,Adj Close,Volume",
        (r) => `${isoDate(r.ts)},${prices(r)},${price(r.adjClose)},${volume(r.volume)}`,
      );
    case "csv":
      return csv(
        "symbol,date,open,high,low,close,volume",
        (r) => `${csvField(r.symbol)},${isoDate(r.ts)},${prices(r)},${volume(r.volume)}`,
      );
    case "csv-intraday":
      return csv("timestamp,open,high,low,close,volume", (r) => `${toUtcTs(r.ts)},${prices(r)},${volume(r.volume)}`);
    case "av-daily":
    case "av-daily-adjusted":
    case "av-intraday":
      return alphaVantage(ctx);
    case "coingecko-ohlc":
      return {
        head: "[",
        // CoinGecko stamps a candle with its close time, so the stamp is the bar start plus one interval.
        line: (r) =>
          `[${r.ts + INTERVAL_MS[ctx.interval]}, ${[r.open, r.high, r.low, r.close].map(jsonCell).join(", ")}]`,
        separator: ", ",
        tail: "]\n",
      };
    case "jsonl":
      return {
        head: "",
        line: (r) =>
          `${JSON.stringify({
            symbol: r.symbol,
            interval: ctx.interval,
            ts: toUtcTs(r.ts),
            trade_date: r.tradeDate,
            open: r.open,
            high: r.high,
            low: r.low,
            close: r.close,
            adj_close: r.adjClose,
            volume: r.volume,
            currency: r.currency,
            asset_class: r.assetClass,
          })}\n`,
        separator: "",
        tail: "",
      };
  }
}

/** Alpha Vantage's interval names. */
export const AV_INTERVAL = {
  "1d": "daily",
  "1h": "60min",
  "30m": "30min",
  "15m": "15min",
  "5m": "5min",
  "1m": "1min",
} as const;

/** Pretty-printed like the fixtures: 4-space indent, one bar per line, string numbers with 4 decimals, newest first. */
function alphaVantage(ctx: RenderContext): Layout {
  const intraday = ctx.format === "av-intraday";
  const adjusted = ctx.format === "av-daily-adjusted";
  const outputSize = ctx.records <= 100 ? "Compact" : "Full size";
  const meta: Record<string, string> = intraday
    ? {
        "1. Information": `Intraday (${AV_INTERVAL[ctx.interval]}) prices and volumes`,
        "2. Symbol": ctx.symbol,
        "3. Last Refreshed": formatEastern(ctx.lastRefreshed),
        "4. Interval": AV_INTERVAL[ctx.interval],
        "5. Output Size": outputSize,
        "6. Time Zone": "US/Eastern",
      }
    : {
        "1. Information": adjusted
          ? "Daily Time Series with Splits and Dividend Events"
          : "Daily Prices (open, high, low, close) and Volumes",
        "2. Symbol": ctx.symbol,
        "3. Last Refreshed": isoDate(ctx.lastRefreshed),
        "4. Output Size": outputSize,
        "5. Time Zone": "US/Eastern",
      };
  const metaLines = Object.entries(meta)
    .map(([k, v]) => `        ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(",\n");
  const series = intraday ? `Time Series (${AV_INTERVAL[ctx.interval]})` : "Time Series (Daily)";
  const line = (r: Cells): string => {
    const fields: [string, string][] = [
      ["1. open", price(r.open)],
      ["2. high", price(r.high)],
      ["3. low", price(r.low)],
      ["4. close", price(r.close)],
    ];
    if (adjusted) {
      fields.push(
        ["5. adjusted close", price(r.adjClose)],
        ["6. volume", volume(r.volume)],
        ["7. dividend amount", r.dividend.toFixed(4)],
        ["8. split coefficient", "1.0"],
      );
    } else fields.push(["5. volume", volume(r.volume)]);
    const stamp = intraday ? formatEastern(r.ts) : isoDate(r.ts);
    return `        ${JSON.stringify(stamp)}: {${fields.map(([k, v]) => `"${k}": ${JSON.stringify(v)}`).join(", ")}}`;
  };
  return {
    head: `{\n    "Meta Data": {\n${metaLines}\n    },\n    ${JSON.stringify(series)}: {\n`,
    line,
    separator: ",\n",
    tail: "\n    }\n}\n",
  };
}

function prices(r: Cells): string {
  return `${price(r.open)},${price(r.high)},${price(r.low)},${price(r.close)}`;
}

/** 4 decimals like the providers; a defect's literal text (`NaN`) as is; missing as an empty cell. */
function price(c: Cell): string {
  if (c === null) return "";
  return typeof c === "number" ? c.toFixed(4) : c;
}

function volume(c: Cell): string {
  return c === null ? "" : String(c);
}

function jsonCell(c: Cell): string {
  return typeof c === "number" ? String(c) : JSON.stringify(c);
}

/** RFC 4180 quoting, needed only by injected symbols such as `AAPL" OR "1"="1`. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
