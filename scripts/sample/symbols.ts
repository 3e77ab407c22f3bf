import { type AssetClass, SYMBOL_PATTERN } from "@market-data/core/bar";
import { OptionsError } from "./errors.ts";
import { rngFor } from "./prng.ts";

/** Everything the simulation needs to know about one symbol. */
export interface SymbolSpec {
  symbol: string;
  assetClass: AssetClass;
  /** Annual drift μ of the GBM (log-return mean is (μ − σ²/2)·dt). */
  mu: number;
  /** Annual volatility σ. */
  sigma: number;
  /** Price before the first generated bar. */
  start: number;
  /** Median volume of one session. */
  volume: number;
  /** Annual dividend yield, paid quarterly; drives `adj_close` and Alpha Vantage's dividend column. */
  dividendYield: number;
  currency: string;
}

/** Defaults per asset class: broad-market-like equities, a calmer index, volatile crypto, quiet FX. */
const CLASS_DEFAULTS = {
  equity: { mu: 0.08, sigma: 0.25, volume: 5_000_000, dividendYield: 0.015 },
  index: { mu: 0.07, sigma: 0.18, volume: 3_000_000_000, dividendYield: 0 },
  crypto: { mu: 0.3, sigma: 0.7, volume: 25_000, dividendYield: 0 },
  fx: { mu: 0, sigma: 0.08, volume: 100_000, dividendYield: 0 },
} as const satisfies Record<AssetClass, { mu: number; sigma: number; volume: number; dividendYield: number }>;

/** Typical prices and volumes of well-known symbols (mid-2023), so demo data looks familiar. */
const KNOWN: Readonly<Record<string, { start: number; volume?: number; dividendYield?: number }>> = {
  AAPL: { start: 185, volume: 55_000_000, dividendYield: 0.005 },
  MSFT: { start: 335, volume: 22_000_000, dividendYield: 0.008 },
  IBM: { start: 135, volume: 4_500_000, dividendYield: 0.045 },
  NVDA: { start: 42, volume: 450_000_000, dividendYield: 0.0004 },
  JPM: { start: 145, volume: 9_000_000, dividendYield: 0.025 },
  GOOGL: { start: 120, volume: 30_000_000, dividendYield: 0 },
  AMZN: { start: 125, volume: 50_000_000, dividendYield: 0 },
  "^GSPC": { start: 4400 },
  "BTC-USD": { start: 30_000, volume: 25_000 },
  "ETH-USD": { start: 1_900, volume: 350_000 },
  "SOL-USD": { start: 17, volume: 3_000_000 },
  "EURUSD=X": { start: 1.09 },
};

/** CoinGecko coin ids of common tickers; others fall back to the lower-case base (`XYZ-USD` → `xyz`). */
const COIN_IDS: Readonly<Record<string, string>> = {
  BTC: "bitcoin",
  ETH: "ethereum",
  SOL: "solana",
  DOGE: "dogecoin",
  ADA: "cardano",
  XRP: "ripple",
  LTC: "litecoin",
};

/** Yahoo-style conventions: `BTC-USD` crypto, `EURUSD=X` FX, `^GSPC` index, anything else an equity. */
export function assetClassOf(symbol: string): AssetClass {
  if (symbol.startsWith("^")) return "index";
  if (symbol.endsWith("=X")) return "fx";
  if (/^[A-Z0-9]+-(USD|USDT|USDC|EUR|BTC|ETH)$/.test(symbol)) return "crypto";
  return "equity";
}

/** `BTC-USD` → `bitcoin`. */
export function coinIdOf(symbol: string): string {
  const base = symbol.split("-")[0] ?? symbol;
  return COIN_IDS[base] ?? base.toLowerCase();
}

/**
 * Parses `SYMBOL[:mu[:sigma[:start]]]`, e.g. `AAPL:0.08:0.25` or `BTC-USD::0.9:42000` (empty = default).
 * Throws OptionsError with a message that names the bad part.
 */
export function parseSymbolSpec(arg: string): SymbolSpec {
  const [rawSymbol = "", muText, sigmaText, startText, ...extra] = arg.split(":");
  const symbol = rawSymbol.trim().toUpperCase();
  if (!SYMBOL_PATTERN.test(symbol) || extra.length > 0) {
    throw new OptionsError(
      `bad symbol "${arg}": expected SYMBOL[:mu[:sigma[:start]]] with SYMBOL of 1–24 of A-Z 0-9 . - ^ = /`,
    );
  }
  const assetClass = assetClassOf(symbol);
  const defaults = CLASS_DEFAULTS[assetClass];
  const known = KNOWN[symbol];
  const number = (text: string | undefined, name: string, fallback: number, ok: (n: number) => boolean): number => {
    if (text === undefined || text.trim() === "") return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || !ok(n)) throw new OptionsError(`bad ${name} "${text}" for ${symbol}`);
    return n;
  };
  // Unknown symbols get a start price of 20–400 and a volume scale derived from the name, not from the seed,
  // so a symbol looks the same whatever seed is used.
  const naming = rngFor(0, "symbol", symbol);
  const start = known?.start ?? Math.round(20 + naming.next() * 380);
  return {
    symbol,
    assetClass,
    mu: number(muText, "drift", defaults.mu, (n) => Math.abs(n) <= 5),
    sigma: number(sigmaText, "volatility", defaults.sigma, (n) => n > 0 && n <= 5),
    start: number(startText, "start price", start, (n) => n > 0),
    volume: known?.volume ?? Math.round(defaults.volume * (0.3 + naming.next() * 1.4)),
    dividendYield: known?.dividendYield ?? defaults.dividendYield,
    currency: "USD",
  };
}
