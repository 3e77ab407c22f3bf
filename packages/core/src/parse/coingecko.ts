/**
 * CoinGecko JSON (fixtures/coingecko/README.md): `/coins/{id}/ohlc` candles and `/coins/{id}/market_chart`
 * points. Real payloads are small, so the text is buffered until end() and parsed once (up to `maxJsonBytes`).
 */
import { INTERVAL_MS, type Interval } from "../bar.js";
import { coinSymbol } from "./coins.js";
import { blankCandidate, quote, reject, stripBom } from "./common.js";
import type { ParseHints } from "./hints.js";
import { describeSpacing, INTERVAL_LIST, intervalOfSpacing, normalizeInterval } from "./interval.js";
import { tryParse } from "./json-scan.js";
import { jsonNumber } from "./numbers.js";
import { DAY_MS, formatDate } from "./time.js";
import type { BarParser, CandidateBar, FileMeta, FileReject } from "./types.js";

export type CoinGeckoKind = "ohlc" | "market_chart";

/** The provider's error message in a parsed CoinGecko body (`{"status":{"error_code":429,…}}`, `{"error":"…"}`), or null. */
export function coinGeckoMessage(body: unknown): string | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const { status, error } = body as { status?: unknown; error?: unknown };
  if (typeof status === "object" && status !== null) {
    const { error_code: code, error_message: message } = status as { error_code?: unknown; error_message?: unknown };
    if (code !== undefined || message !== undefined) {
      return `CoinGecko answered with an error instead of data (code ${String(code ?? "?")}): ${quote(String(message ?? ""))}`;
    }
  }
  if (error !== undefined) {
    const text = typeof error === "string" ? error : JSON.stringify(error);
    return `CoinGecko answered with an error instead of data: ${quote(text)}`;
  }
  return null;
}

/** Opens a buffering CoinGecko parser; rejects up front when the key does not resolve to a symbol. */
export function openCoinGecko(kind: CoinGeckoKind, hints: ParseHints, maxChars: number): BarParser | FileReject {
  const coin = coinSymbol(hints);
  if ("ok" in coin) return coin;
  let keyInterval: Interval | null = null;
  if (hints.interval !== undefined) {
    keyInterval = normalizeInterval(hints.interval);
    if (keyInterval === null) {
      return reject("file.format_known", `the key says interval=${hints.interval}; use one of ${INTERVAL_LIST}`);
    }
  }
  return new CoinGeckoParser(kind, coin.symbol, coin.currency, kind === "ohlc" ? keyInterval : "1d", maxChars);
}

class CoinGeckoParser implements BarParser {
  readonly meta: FileMeta;
  private chunks: string[] = [];
  private size = 0;
  private failure: FileReject | null = null;

  constructor(
    private readonly kind: CoinGeckoKind,
    private readonly symbol: string,
    currency: string,
    private readonly keyInterval: Interval | null,
    private readonly maxChars: number,
  ) {
    this.meta = {
      format: kind === "ohlc" ? "coingecko.ohlc" : "coingecko.market_chart",
      source: "coingecko",
      interval: keyInterval ?? "1d",
      assetClass: "crypto",
      currency,
      timeZone: "UTC",
    };
  }

  push(text: string): CandidateBar[] | FileReject {
    if (this.failure) return this.failure;
    this.size += text.length;
    if (this.size > this.maxChars) {
      this.chunks = [];
      this.failure = reject(
        "file.decodable",
        `the CoinGecko JSON is larger than ${this.maxChars} characters, more than one object is allowed to hold in memory; split it into smaller date ranges`,
      );
      return this.failure;
    }
    this.chunks.push(text);
    return [];
  }

  end(): CandidateBar[] | FileReject {
    if (this.failure) return this.failure;
    const parsed = tryParse(stripBom(this.chunks.join("")));
    this.chunks = [];
    if (!parsed.ok) {
      return reject(
        "file.decodable",
        `the CoinGecko JSON does not parse (${parsed.error}): the download was probably cut off; fetch it again`,
      );
    }
    const message = coinGeckoMessage(parsed.value);
    if (message) return reject("file.not_provider_error", message);
    if (this.kind === "ohlc") {
      if (!Array.isArray(parsed.value))
        return reject("file.format_known", "CoinGecko OHLC data must be an array of candles");
      return this.candles(parsed.value);
    }
    const prices = (parsed.value as { prices?: unknown }).prices;
    if (!Array.isArray(prices))
      return reject("file.format_known", "CoinGecko market_chart data must hold a `prices` array");
    const volumes = (parsed.value as { total_volumes?: unknown }).total_volumes;
    return this.days(prices, Array.isArray(volumes) ? volumes : []);
  }

  /** `[[ms, o, h, l, c], …]`. CoinGecko stamps a candle with its close time; a bar starts one interval earlier. */
  private candles(rows: unknown[]): CandidateBar[] | FileReject {
    if (rows.length === 0) return []; // no candles, no interval to tell: the row-count rule judges an empty file
    const interval = this.keyInterval ?? inferCandleInterval(rows);
    if (typeof interval !== "string") return interval;
    this.meta.interval = interval;
    return rows.map((row, i) => {
      const rec = this.candidate(i + 1, row, interval);
      const cells = Array.isArray(row) ? (row as unknown[]) : [];
      const close = typeof cells[0] === "number" ? cells[0] : Number.NaN;
      if (cells.length < 5 || !Number.isFinite(close)) {
        rec.tsError = `a candle must be [close time in ms, open, high, low, close]; got ${JSON.stringify(row)?.slice(0, 80)}`;
        return rec;
      }
      rec.tsMs = close - INTERVAL_MS[interval];
      rec.tradeDate = formatDate(rec.tsMs);
      rec.open = jsonNumber(cells[1]);
      rec.high = jsonNumber(cells[2]);
      rec.low = jsonNumber(cells[3]);
      rec.close = jsonNumber(cells[4]);
      rec.volume = 0; // /ohlc has no volume; 0 (not NaN) so candles pass `volume.valid` — the API simply does not say.
      return rec;
    });
  }

  /** `{prices, total_volumes}` → one bar per UTC day: first / max / min / last price, the day's last total volume. */
  private days(prices: unknown[], volumes: unknown[]): CandidateBar[] {
    const days = new Map<number, { points: unknown[]; o: number; h: number; l: number; c: number; vol: unknown }>();
    const bad: unknown[] = [];
    for (const point of prices) {
      const ms = Array.isArray(point) && typeof point[0] === "number" ? point[0] : Number.NaN;
      if (!Number.isFinite(ms)) {
        bad.push(point);
        continue;
      }
      const price = jsonNumber((point as unknown[])[1]);
      const day = Math.floor(ms / DAY_MS);
      const bar = days.get(day);
      if (bar === undefined) days.set(day, { points: [point], o: price, h: price, l: price, c: price, vol: null });
      else {
        bar.points.push(point);
        bar.h = Number.isNaN(price) || Number.isNaN(bar.h) ? Number.NaN : Math.max(bar.h, price);
        bar.l = Number.isNaN(price) || Number.isNaN(bar.l) ? Number.NaN : Math.min(bar.l, price);
        bar.c = price;
      }
    }
    for (const point of volumes) {
      const ms = Array.isArray(point) && typeof point[0] === "number" ? point[0] : Number.NaN;
      const bar = days.get(Math.floor(ms / DAY_MS));
      if (bar) bar.vol = point; // points come in time order: the last one of the day wins
    }
    const out: CandidateBar[] = [];
    for (const day of [...days.keys()].sort((a, b) => a - b)) {
      const bar = days.get(day);
      if (!bar) continue;
      const tradeDate = formatDate(day * DAY_MS);
      const rec = this.candidate(out.length + 1, { date: tradeDate, prices: bar.points, total_volume: bar.vol }, "1d");
      rec.tsMs = day * DAY_MS;
      rec.tradeDate = tradeDate;
      rec.open = bar.o;
      rec.high = bar.h;
      rec.low = bar.l;
      rec.close = bar.c;
      rec.volume = Array.isArray(bar.vol) ? Math.round(jsonNumber(bar.vol[1])) : Number.NaN;
      out.push(rec);
    }
    for (const point of bad) {
      const rec = this.candidate(out.length + 1, point, "1d");
      rec.tsError = `a market_chart point must be [ms, price]; got ${JSON.stringify(point)?.slice(0, 80)}`;
      out.push(rec);
    }
    return out;
  }

  private candidate(row: number, input: unknown, interval: Interval): CandidateBar {
    const rec = blankCandidate(row, input);
    rec.symbol = this.symbol;
    rec.interval = interval;
    return rec;
  }
}

/** The candle size: the most common spacing between consecutive candles (a stray short gap does not decide it). */
function inferCandleInterval(rows: unknown[]): Interval | FileReject {
  const counts = new Map<number, number>();
  let previous = Number.NaN;
  for (const row of rows) {
    const ms = Array.isArray(row) && typeof row[0] === "number" ? row[0] : Number.NaN;
    const gap = Math.abs(ms - previous);
    if (gap > 0) counts.set(gap, (counts.get(gap) ?? 0) + 1);
    if (Number.isFinite(ms)) previous = ms;
  }
  let best = 0;
  let bestCount = 0;
  for (const [gap, count] of counts) {
    if (count > bestCount || (count === bestCount && gap < best)) {
      best = gap;
      bestCount = count;
    }
  }
  if (bestCount === 0) {
    return reject(
      "file.format_known",
      "cannot tell the candle interval of this CoinGecko OHLC data (fewer than two candles): add the interval to the key, e.g. …/interval=1d/…",
    );
  }
  const interval = intervalOfSpacing(best);
  if (interval) return interval;
  return reject(
    "file.format_known",
    `the CoinGecko candles are ${describeSpacing(best)} apart, which is not a supported interval (${INTERVAL_LIST}). CoinGecko picks the candle size from \`days\`: 1–2 days give 30-minute candles, 3–30 days 4-hour candles, 31+ days 4-day candles; request days=1 or 2, or interval=daily / interval=hourly on a paid plan`,
  );
}
