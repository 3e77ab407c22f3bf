import { describe, expect, it } from "vitest";
import { providersFromEnv, secret } from "../providers/from-env.js";
import { IngestConfigError, ingestConfigFromEnv } from "./config.js";

describe("ingestConfigFromEnv", () => {
  it("reads a symbol list per provider, with daily defaults", () => {
    expect(
      ingestConfigFromEnv({
        INGEST_ALPHAVANTAGE_SYMBOLS: " ibm, MSFT,,msft ",
        INGEST_COINGECKO_SYMBOLS: "BTC-USD",
        INGEST_COINGECKO_INTERVAL: "30m",
        INGEST_ALERT_AFTER_FAILURES: "5",
      }),
    ).toEqual({
      sources: [
        { provider: "alphavantage", symbols: ["IBM", "MSFT"], interval: "1d", period: "1d" },
        { provider: "coingecko", symbols: ["BTC-USD"], interval: "30m", period: "1h" },
      ],
      alertAfterFailures: 5,
      concurrency: 4,
    });
    expect(ingestConfigFromEnv({}).sources).toEqual([]);
  });

  it("says what to fix in a bad setting", () => {
    expect(() => ingestConfigFromEnv({ INGEST_ALPHAVANTAGE_SYMBOLS: "EUR/USD" })).toThrow(IngestConfigError);
    expect(() =>
      ingestConfigFromEnv({ INGEST_ALPHAVANTAGE_SYMBOLS: "IBM", INGEST_ALPHAVANTAGE_INTERVAL: "4h" }),
    ).toThrow(/INGEST_ALPHAVANTAGE_INTERVAL must be one of 1d, 1h/);
    expect(() => ingestConfigFromEnv({ INGEST_CONCURRENCY: "0" })).toThrow(/whole number ≥ 1/);
  });
});

describe("providersFromEnv", () => {
  it("configures Alpha Vantage only with a key, from a variable or a linked SST secret", () => {
    expect([...providersFromEnv({}).keys()]).toEqual(["coingecko"]);
    expect([...providersFromEnv({ ALPHA_VANTAGE_API_KEY: "k-123456" }).keys()]).toEqual(["alphavantage", "coingecko"]);
    const linked = { SST_RESOURCE_AlphaVantageApiKey: JSON.stringify({ type: "sst.sst.Secret", value: "s-987654" }) };
    expect(secret(linked, "ALPHA_VANTAGE_API_KEY", "AlphaVantageApiKey")).toBe("s-987654");
    expect(() => secret({ SST_RESOURCE_X: "s-987654" }, "Y", "X")).toThrow(/^SST_RESOURCE_X is not the JSON/);
    expect(() => secret({ SST_RESOURCE_X: "s-987654" }, "Y", "X")).not.toThrow(/s-987654/);
  });

  it("takes budgets and plans from the environment", () => {
    const providers = providersFromEnv({ ALPHA_VANTAGE_API_KEY: "k-123456", ALPHA_VANTAGE_PER_DAY: "500" });
    expect(providers.get("alphavantage")?.limiter.spent().count).toBe(0);
    expect(() => providersFromEnv({ COINGECKO_PLAN: "gold" })).toThrow(
      /COINGECKO_PLAN must be one of public, demo, pro/,
    );
    expect(() => providersFromEnv({ ALPHA_VANTAGE_API_KEY: "k-123456", ALPHA_VANTAGE_PER_DAY: "-1" })).toThrow(
      /ALPHA_VANTAGE_PER_DAY/,
    );
  });
});
