import { reject } from "./common.js";
import { normalizeSymbol, type ParseHints } from "./hints.js";
import type { FileReject } from "./types.js";

/** CoinGecko coin ids of the largest coins → ticker (the quote currency is appended: `BTC-USD`). */
export const COIN_TICKERS: ReadonlyMap<string, string> = new Map<string, string>([
  ["bitcoin", "BTC"],
  ["ethereum", "ETH"],
  ["tether", "USDT"],
  ["binancecoin", "BNB"],
  ["solana", "SOL"],
  ["ripple", "XRP"],
  ["usd-coin", "USDC"],
  ["cardano", "ADA"],
  ["dogecoin", "DOGE"],
  ["tron", "TRX"],
  ["avalanche-2", "AVAX"],
  ["polkadot", "DOT"],
  ["chainlink", "LINK"],
  ["litecoin", "LTC"],
  ["bitcoin-cash", "BCH"],
  ["stellar", "XLM"],
  ["shiba-inu", "SHIB"],
  ["matic-network", "MATIC"],
  ["the-open-network", "TON"],
  ["uniswap", "UNI"],
]);

/** Symbol and quote currency of a CoinGecko object. */
export interface CoinSymbol {
  symbol: string;
  currency: string;
}

/**
 * The symbol of a CoinGecko object: the key's `symbol=`, else its coin id (`raw/coingecko/bitcoin/…`, or a file
 * named `bitcoin.json`) through {@link COIN_TICKERS} with the `vs=` / `vs_currency=` quote (default usd).
 * e.g. `raw/coingecko/ethereum/vs=eur/2024.json` → `{ symbol: "ETH-EUR", currency: "EUR" }`.
 */
export function coinSymbol(hints: ParseHints): CoinSymbol | FileReject {
  const vs = hints.vs === undefined ? null : normalizeSymbol(hints.vs);
  if (hints.symbol !== undefined && hints.symbol.trim() !== "") {
    const symbol = normalizeSymbol(hints.symbol);
    return { symbol, currency: vs ?? /-([A-Z]{3,5})$/.exec(symbol)?.[1] ?? "USD" };
  }
  const stem = hints.fileStem.toLowerCase();
  const id = hints.coinId?.toLowerCase() ?? (COIN_TICKERS.has(stem) ? stem : undefined);
  const ticker = id === undefined ? undefined : COIN_TICKERS.get(id);
  const currency = vs ?? "USD";
  if (ticker !== undefined) return { symbol: `${ticker}-${currency}`, currency };
  const example = `${(id ?? "coin").split("-")[0]?.toUpperCase().slice(0, 5)}-${currency}`;
  return reject(
    "file.symbol_resolved",
    id === undefined
      ? `the key does not say which coin this CoinGecko data is for: put it under raw/coingecko/<coin-id>/… or add symbol=${example} to the key`
      : `the CoinGecko coin "${id}" is not in the built-in list (${[...COIN_TICKERS.keys()].slice(0, 6).join(", ")}, …): add symbol=${example} (its ticker) to the key, e.g. raw/coingecko/${id}/symbol=${example}/…`,
  );
}
