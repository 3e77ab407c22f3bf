import { describe, expect, it } from "vitest";
import { inferAssetClass, keySymbol, normalizeAssetClass, normalizeSymbol, parseHints } from "./hints.js";

describe("parseHints", () => {
  it("reads tz (dots for slashes), asset_class and vs segments besides the key hints", () => {
    expect(parseHints("raw/csv/tz=America.New_York/asset_class=crypto/vs=eur/symbol=BTC-EUR/x.csv")).toEqual({
      fileStem: "x",
      symbol: "BTC-EUR",
      tz: "America/New_York",
      assetClass: "crypto",
      vs: "eur",
    });
    expect(parseHints("raw/csv/tz=US%2FEastern/x.csv").tz).toBe("US/Eastern");
  });
});

describe("keySymbol", () => {
  it("prefers symbol=, else a file stem that is a valid symbol", () => {
    expect(keySymbol(parseHints("raw/csv/symbol= brk.b /x.csv"))).toBe("BRK.B");
    expect(keySymbol(parseHints("raw/csv/aapl.csv.gz"))).toBe("AAPL");
    expect(keySymbol(parseHints("raw/csv/prices_2024.csv"))).toBeNull();
  });
});

describe("symbols and asset classes", () => {
  it("trims and upper-cases symbols without removing anything", () => {
    expect(normalizeSymbol("  <b>aapl</b> ")).toBe("<B>AAPL</B>");
  });

  it("guesses crypto for coin pairs, fx for fiat pairs, equity otherwise", () => {
    expect(inferAssetClass("BTC-USD")).toBe("crypto");
    expect(inferAssetClass("ETH-USDT")).toBe("crypto");
    expect(inferAssetClass("EUR-USD")).toBe("fx");
    expect(inferAssetClass("BRK-B")).toBe("equity");
    expect(inferAssetClass("AAPL")).toBe("equity");
  });

  it("reads asset class names and common aliases", () => {
    expect(normalizeAssetClass(" Crypto ")).toBe("crypto");
    expect(normalizeAssetClass("stock")).toBe("equity");
    expect(normalizeAssetClass("constructor")).toBeNull();
  });
});
