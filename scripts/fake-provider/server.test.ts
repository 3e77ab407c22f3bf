import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "./server.ts";

// The fake provider itself: recorded shapes, faults injected over HTTP (what a demo or a person uses).
let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ today: "2024-06-28" });
});
afterAll(async () => {
  await fake.close();
});

describe("fake provider", () => {
  it("serves Alpha Vantage daily bars newest first, as the real API does", async () => {
    const body = (await (
      await fetch(`${fake.url}/query?function=TIME_SERIES_DAILY&symbol=IBM&apikey=x`)
    ).json()) as Record<string, Record<string, unknown>>;
    expect(body["Meta Data"]).toMatchObject({ "2. Symbol": "IBM", "3. Last Refreshed": "2024-06-28" });
    expect(Object.keys(body["Time Series (Daily)"] ?? {})).toHaveLength(100);
  });

  it("takes faults over HTTP and serves them to the matching requests only", async () => {
    const posted = await fetch(`${fake.url}/_fake/faults`, {
      method: "POST",
      body: JSON.stringify({ fault: "throttle", provider: "coingecko", retryAfter: 9 }),
    });
    expect(posted.status).toBe(204);
    const av = await fetch(`${fake.url}/query?function=TIME_SERIES_DAILY&symbol=IBM`);
    expect(av.status).toBe(200);
    await av.arrayBuffer();
    const cg = await fetch(`${fake.url}/api/v3/coins/bitcoin/ohlc?vs_currency=usd&days=1`);
    expect([cg.status, cg.headers.get("retry-after")]).toEqual([429, "9"]);
    await cg.arrayBuffer();
    const again = await fetch(`${fake.url}/api/v3/coins/bitcoin/ohlc?vs_currency=usd&days=1`);
    expect(((await again.json()) as unknown[]).length).toBe(48);
    const bad = await fetch(`${fake.url}/_fake/faults`, { method: "POST", body: '{"fault":"meteor"}' });
    expect(bad.status).toBe(400);
    await bad.arrayBuffer();
    const seen = (await (await fetch(`${fake.url}/_fake/requests`)).json()) as { fault?: string }[];
    expect(seen.map((r) => r.fault ?? "data").slice(-3)).toEqual(["data", "throttle", "data"]);
  });
});
