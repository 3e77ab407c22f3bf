import type { AlertMessage } from "@market-data/core/ports";
import { describe, expect, it } from "vitest";
import { RecordingLogger } from "../providers/testing.js";
import type { ProviderAlert } from "./alerts.js";
import { providerAlertsTo, providerRecoveriesTo } from "./notify-alerts.js";

const throttled: ProviderAlert = {
  kind: "provider_symbol_failing",
  severity: "error",
  incidentKey: "provider/alphavantage/MSFT/failing",
  provider: "alphavantage",
  symbol: "MSFT",
  summary: "alphavantage has failed MSFT on 3 consecutive ticks: rate limited",
  facts: {
    code: "PROVIDER_THROTTLED",
    lastError: "rate limited",
    consecutiveFailures: 3,
    since: "2024-07-01T00:00:00.000Z",
    stateKey: "_control/providers/alphavantage/symbols/MSFT.json",
  },
};

describe("providerAlertsTo", () => {
  it("publishes the schedule's alert in the core model: throttling is provider_throttled, one incident per symbol", async () => {
    const published: AlertMessage[] = [];
    const logger = new RecordingLogger();
    const notify = providerAlertsTo({ publish: async (m) => void published.push(m) }, logger, () => new Date(0));
    await notify(throttled);
    await notify({
      ...throttled,
      kind: "provider_symbol_unknown",
      severity: "warning",
      facts: { ...throttled.facts, code: "PROVIDER_UNKNOWN_SYMBOL" },
    });
    expect(published.map((m) => [m.kind, m.incidentKey])).toEqual([
      ["provider_throttled", "provider:alphavantage:MSFT"],
      ["provider_failing", "provider:alphavantage:MSFT"],
    ]);
    expect(published[0]).toMatchObject({ severity: "error", source: "ingest", detail: "rate limited" });
    expect(logger.lines.join("\n")).toContain("PROVIDER_ALERT");
  });

  it("throws when the notifier fails, so the tick retries the alert instead of losing it", async () => {
    const notify = providerAlertsTo(
      { publish: async () => Promise.reject(new Error("SNS down")) },
      new RecordingLogger(),
    );
    await expect(notify(throttled)).rejects.toThrow("SNS down");
  });
});

describe("providerRecoveriesTo", () => {
  it("publishes the end of a streak as the resolution of the alert's incident", async () => {
    const published: AlertMessage[] = [];
    const logger = new RecordingLogger();
    const notifyAlert = providerAlertsTo({ publish: async (m) => void published.push(m) }, logger, () => new Date(0));
    const notifyRecovery = providerRecoveriesTo(
      { publish: async (m) => void published.push(m) },
      logger,
      () => new Date(86_400_000),
    );
    await notifyAlert(throttled);
    await notifyRecovery({
      provider: "alphavantage",
      symbol: "MSFT",
      code: "PROVIDER_THROTTLED",
      consecutiveFailures: 3,
      since: "2024-07-01T00:00:00.000Z",
    });
    expect(published.map((m) => [m.type, m.kind, m.incidentKey])).toEqual([
      ["alert", "provider_throttled", "provider:alphavantage:MSFT"],
      ["resolved", "provider_throttled", "provider:alphavantage:MSFT"],
    ]);
    expect(published[1]).toMatchObject({
      source: "ingest",
      summary: "alphavantage serves MSFT again after 3 failed ticks",
      at: "1970-01-02T00:00:00.000Z",
    });
    expect(logger.lines.join("\n")).toContain("PROVIDER_RECOVERED");
  });
});
