import { describe, expect, it } from "vitest";
import { parseHints } from "../parse/hints.js";
import { alphaVantageSlices } from "./alphavantage.js";
import { compactStamp, periodStart, providerControlKeys, providerRawKey } from "./raw-key.js";
import { redactSecrets, redactUrl } from "./redact.js";

const NOW = Date.parse("2024-07-01T15:47:13Z");

describe("providerRawKey", () => {
  it("names a latest pull after its period, so a re-run of the tick names the same object", () => {
    const [slice] = alphaVantageSlices("IBM", "5m", undefined, NOW);
    if (slice === undefined) throw new Error("no slice");
    const a = providerRawKey(slice, periodStart(NOW, "1h"));
    const b = providerRawKey(slice, periodStart(NOW + 10 * 60_000, "1h"));
    expect(a).toBe("raw/alphavantage/intraday/interval=5m/symbol=IBM/date=2024-07-01/IBM-20240701T150000Z.json");
    expect(b).toBe(a);
    expect(parseHints(a)).toMatchObject({ symbol: "IBM", interval: "5m" });
  });

  it("names a history slice after the period it covers", () => {
    const [slice] = alphaVantageSlices("IBM", "5m", { from: "2024-03-04", to: "2024-03-20" }, NOW);
    if (slice === undefined) throw new Error("no slice");
    expect(providerRawKey(slice, 0)).toBe(
      "raw/alphavantage/intraday/interval=5m/symbol=IBM/date=2024-03-01/IBM-2024-03.json",
    );
  });

  it("aligns periods on UTC and stamps them compactly", () => {
    expect(compactStamp(periodStart(NOW, "1d"))).toBe("20240701T000000Z");
    expect(compactStamp(periodStart(NOW, "15m"))).toBe("20240701T154500Z");
    expect(providerControlKeys.symbol("coingecko", "BTC-USD")).toBe(
      "_control/providers/coingecko/symbols/BTC-USD.json",
    );
  });
});

describe("redaction", () => {
  it("masks credential parameters and every occurrence of a secret", () => {
    expect(redactUrl("http://x/query?function=F&apikey=SECRET123&symbol=IBM")).toBe(
      "http://x/query?function=F&apikey=***&symbol=IBM",
    );
    expect(redactSecrets("key SECRET123 and SECRET%2B1", ["SECRET123", "SECRET+1", "ab"])).toBe("key *** and ***");
  });
});
