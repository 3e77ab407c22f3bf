import { ASSET_CLASSES, type AssetClass, SYMBOL_PATTERN } from "../bar.js";
import { type KeyHints, keyHints } from "../keys.js";

/** Everything a raw key says about its content: {@link keyHints} plus the segments only the parsers read. */
export interface ParseHints extends KeyHints {
  /** `…/tz=America.New_York/…` (`.` stands for `/`) → `America/New_York`. */
  tz?: string;
  /** `…/asset_class=crypto/…`. */
  assetClass?: string;
  /** `…/vs=eur/…` or `…/vs_currency=eur/…`: CoinGecko's quote currency. */
  vs?: string;
}

/** Reads the hints of a raw key. e.g. `parseHints("raw/csv/tz=US.Eastern/AAPL.csv")` → `{ tz: "US/Eastern", fileStem: "AAPL" }`. */
export function parseHints(key: string): ParseHints {
  const hints: ParseHints = keyHints(key);
  const parts = key.split("/");
  for (const part of parts.slice(0, -1)) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).toLowerCase();
    const value = safeDecode(part.slice(eq + 1));
    if (name === "tz" || name === "timezone") hints.tz = value.replace(/\./g, "/");
    else if (name === "asset_class") hints.assetClass = value;
    else if (name === "vs" || name === "vs_currency") hints.vs = value;
  }
  return hints;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Trimmed and upper-cased, nothing removed: a bad symbol must reach the `symbol.format` rule as it was. */
export function normalizeSymbol(text: string): string {
  return text.trim().toUpperCase();
}

/**
 * The symbol a key names: `…/symbol=AAPL/…` as given, else a file stem that is itself a valid symbol
 * (`raw/csv/AAPL.csv` → `AAPL`; `prices_2024.csv` names none). null when neither.
 */
export function keySymbol(hints: KeyHints): string | null {
  if (hints.symbol !== undefined && hints.symbol.trim() !== "") return normalizeSymbol(hints.symbol);
  const stem = normalizeSymbol(hints.fileStem);
  return SYMBOL_PATTERN.test(stem) ? stem : null;
}

const FIAT = new Set(["USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "CNY", "HKD", "SEK", "NOK"]);
const CRYPTO_QUOTES = new Set(["USD", "USDT", "USDC", "BUSD", "DAI", "EUR", "GBP", "JPY", "BTC", "ETH"]);
const PAIR = /^([A-Z0-9]{2,12})[-/]([A-Z]{3,5})$/;

/**
 * Asset class guessed from a symbol: a pair quoted in a currency or stablecoin (`BTC-USD`, `ETH-USDT`) is crypto,
 * a pair of two fiat currencies (`EUR-USD`) fx, anything else equity.
 */
export function inferAssetClass(symbol: string): AssetClass {
  const pair = PAIR.exec(symbol);
  if (!pair) return "equity";
  const [, base = "", quote = ""] = pair;
  if (FIAT.has(base) && FIAT.has(quote)) return "fx";
  return CRYPTO_QUOTES.has(quote) ? "crypto" : "equity";
}

const ASSET_ALIASES: ReadonlyMap<string, AssetClass> = new Map<string, AssetClass>([
  ["stock", "equity"],
  ["stocks", "equity"],
  ["equities", "equity"],
  ["etf", "equity"],
  ["cryptocurrency", "crypto"],
  ["forex", "fx"],
  ["currency", "fx"],
  ["indices", "index"],
]);

/** The asset class a text names (`equity`, `crypto`, `fx`, `index`, or a common alias such as `stock`), or null. */
export function normalizeAssetClass(text: string): AssetClass | null {
  const t = text.trim().toLowerCase();
  const known = ASSET_CLASSES.find((c) => c === t);
  return known ?? ASSET_ALIASES.get(t) ?? null;
}
