import type { LatestPriceStore } from "@market-data/core/ports";
import { hc } from "hono/client";
import { describe, expect, it } from "vitest";
import { priceOf } from "../adapters/latest-prices.contract.js";
import type { AppType } from "./app.js";
import { fieldOf, useTestApp } from "./test-app.js";

const { state, appWith, call } = useTestApp();

describe("GET /healthz", () => {
  it("answers ok, without an API key even when one is configured", async () => {
    expect(await call("/healthz", {}, appWith({ apiKey: "s3cret" }))).toMatchObject({
      status: 200,
      body: { status: "ok" },
    });
  });
});

describe("GET /v1/prices/latest", () => {
  it("returns stored prices and names the missing symbols, upper-casing and de-duplicating", async () => {
    const { status, body } = await call("/v1/prices/latest?symbols=aapl,%5Egspc,NOPE,AAPL");
    expect(status).toBe(200);
    expect(body).toEqual({ prices: [priceOf("AAPL", { close: 185.5 }), priceOf("^GSPC")], missing: ["NOPE"] });
  });

  it.each([
    ["missing", "/v1/prices/latest"],
    ["empty", "/v1/prices/latest?symbols="],
    ["only commas", "/v1/prices/latest?symbols=,,"],
    ["SQL", `/v1/prices/latest?symbols=${encodeURIComponent("AAPL,x' OR '1'='1")}`],
    ["SQL drop", `/v1/prices/latest?symbols=${encodeURIComponent("'; DROP TABLE latest_prices; --")}`],
    ["HTML", `/v1/prices/latest?symbols=${encodeURIComponent("<script>alert(1)</script>")}`],
    ["too long", `/v1/prices/latest?symbols=${"A".repeat(25)}`],
    ["repeated parameter", "/v1/prices/latest?symbols=AAPL&symbols=MSFT"],
  ])("rejects %s symbols with a 400 naming the field", async (_name, url) => {
    const { status, body } = await call(url);
    expect(status).toBe(400);
    expect(fieldOf(body)).toBe("symbols");
    expect(JSON.stringify(body)).not.toContain("<script>");
  });

  it("rejects more than 100 symbols", async () => {
    const many = Array.from({ length: 101 }, (_, i) => `S${i}`).join(",");
    const { status, body } = await call(`/v1/prices/latest?symbols=${many}`);
    expect(status).toBe(400);
    expect(fieldOf(body)).toBe("symbols");
    expect((body.error as { message: string }).message).toMatch(/at most 100/);
  });

  it("accepts exactly 100 symbols", async () => {
    const many = Array.from({ length: 100 }, (_, i) => `S${i}`).join(",");
    const { status, body } = await call(`/v1/prices/latest?symbols=${many}`);
    expect(status).toBe(200);
    expect(body.missing).toHaveLength(100);
  });

  it("keeps the stored data intact after a hostile request", async () => {
    await call(`/v1/prices/latest?symbols=${encodeURIComponent("'; DROP TABLE latest_prices; --")}`);
    expect(await state.prices.all()).toHaveLength(3);
  });
});

describe("GET /v1/prices/{symbol}/latest", () => {
  it("returns the latest price, case-insensitively and for URL-encoded symbols", async () => {
    expect(await call("/v1/prices/aapl/latest")).toMatchObject({
      status: 200,
      body: priceOf("AAPL", { close: 185.5 }),
    });
    expect((await call("/v1/prices/%5EGSPC/latest")).body).toEqual(priceOf("^GSPC"));
  });

  it("answers 404 SYMBOL_NOT_FOUND for an unknown symbol", async () => {
    const { status, body } = await call("/v1/prices/MSFT/latest");
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: "SYMBOL_NOT_FOUND", message: "no latest price for symbol MSFT" } });
  });

  it.each([encodeURIComponent("<img src=x>"), encodeURIComponent("1;DROP TABLE x"), "A".repeat(25)])(
    "answers 400 naming `symbol` for %s",
    async (bad) => {
      const { status, body } = await call(`/v1/prices/${bad}/latest`);
      expect(status).toBe(400);
      expect(fieldOf(body)).toBe("symbol");
    },
  );
});

describe("API key", () => {
  const keyed = () => appWith({ apiKey: "s3cret" });

  it("answers 401 without the key, or with a wrong one", async () => {
    const without = await call("/v1/prices/AAPL/latest", {}, keyed());
    expect(without.status).toBe(401);
    expect(without.body).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    expect((await call("/v1/prices/AAPL/latest", { "x-api-key": "s3cres" }, keyed())).status).toBe(401);
    expect((await call("/v1/quality/reports", { "x-api-key": "s3cret-longer" }, keyed())).status).toBe(401);
  });

  it("lets the right key through", async () => {
    expect((await call("/v1/prices/AAPL/latest", { "x-api-key": "s3cret" }, keyed())).status).toBe(200);
  });

  it("leaves healthz and openapi.json open, and every route open when no key is configured", async () => {
    expect((await call("/openapi.json", {}, keyed())).status).toBe(200);
    expect((await call("/v1/prices/AAPL/latest", {}, appWith({ apiKey: "" }))).status).toBe(200);
  });
});

describe("errors and CORS", () => {
  it("hides an unexpected error behind a generic 500 and logs it", async () => {
    const broken: LatestPriceStore = {
      upsert: async () => undefined,
      get: async () => {
        throw new Error("connection refused to 10.0.0.7");
      },
      all: async () => [],
    };
    const { status, body } = await call("/v1/prices/AAPL/latest", {}, appWith({ prices: broken }));
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: "INTERNAL", message: "internal error; it has been logged" } });
    expect(state.logger.error).toHaveBeenCalledWith("unhandled API error", expect.any(Error));
  });

  it("answers an unknown route with the error body", async () => {
    expect(await call("/v2/nothing")).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND" } } });
  });

  it("allows cross-origin GETs and preflights the API-key header", async () => {
    const app = appWith({ apiKey: "s3cret" });
    const res = await app.request("/v1/prices/latest?symbols=AAPL", {
      headers: { origin: "https://dash.example", "x-api-key": "s3cret" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const pre = await app.request("/v1/prices/latest", {
      method: "OPTIONS",
      headers: {
        origin: "https://dash.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "x-api-key",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toContain("x-api-key");
    expect(pre.headers.get("access-control-allow-methods")).toContain("GET");
  });

  it("echoes a listed origin with Vary: Origin, on errors too, and names no other origin", async () => {
    const app = appWith({ corsOrigin: ["https://dash.example"] });
    const get = (origin: string, path = "/v1/prices/AAPL/latest") => app.request(path, { headers: { origin } });
    const listed = await get("https://dash.example");
    expect(listed.headers.get("access-control-allow-origin")).toBe("https://dash.example");
    expect(listed.headers.get("vary")).toBe("Origin");
    const failed = await get("https://dash.example", "/v1/prices/NOPE/latest");
    expect(failed.status).toBe(404);
    expect(failed.headers.get("access-control-allow-origin")).toBe("https://dash.example");
    expect((await get("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("typed client", () => {
  it("reaches the routes through hono/client with the app's types", async () => {
    const app = appWith();
    const client = hc<AppType>("http://api.test", {
      fetch: (input: string | URL | Request, init?: RequestInit) => app.request(input, init),
    });
    const many = await client.v1.prices.latest.$get({ query: { symbols: "AAPL,NOPE" } });
    const body = await many.json();
    expect(body.prices.map((p) => p.close)).toEqual([185.5]);
    expect(body.missing).toEqual(["NOPE"]);
    const one = await client.v1.prices[":symbol"].latest.$get({ param: { symbol: "btc-usd" } });
    expect(one.status).toBe(200);
  });
});

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document listing every route with its parameters and responses", async () => {
    const { status, body } = await call("/openapi.json", {}, appWith({ apiKey: "k" }));
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    expect(body.info).toMatchObject({ version: "1.2.3" });
    const paths = body.paths as Record<string, { get: Record<string, unknown> }>;
    expect(Object.keys(paths).sort()).toEqual([
      "/healthz",
      "/openapi.json",
      "/v1/bars/{symbol}",
      "/v1/indicators/{symbol}",
      "/v1/prices/latest",
      "/v1/prices/{symbol}/latest",
      "/v1/quality/reports",
    ]);
    expect(paths["/v1/prices/latest"]?.get.parameters).toEqual([
      expect.objectContaining({ in: "query", name: "symbols", required: true }),
    ]);
    expect(paths["/v1/prices/{symbol}/latest"]?.get.parameters).toEqual([
      expect.objectContaining({ in: "path", name: "symbol", required: true }),
    ]);
    const reportParams = paths["/v1/quality/reports"]?.get.parameters as { name: string }[];
    expect(reportParams.map((p) => p.name).sort()).toEqual(["date", "limit"]);
    const responses = paths["/v1/prices/{symbol}/latest"]?.get.responses as Record<string, unknown>;
    expect(Object.keys(responses).sort()).toEqual(["200", "400", "401", "404", "500"]);
    expect(JSON.stringify(responses["200"])).toContain("#/components/schemas/LatestPrice");
    const schemas = (body.components as { schemas: Record<string, { required?: string[] }> }).schemas;
    expect(schemas.LatestPrice?.required).toContain("ingested_at");
    expect(Object.keys(schemas).sort()).toEqual(["Bar", "Error", "LatestPrice", "ReportSummary"]);
    const barParams = paths["/v1/bars/{symbol}"]?.get.parameters as { name: string }[];
    expect(barParams.map((p) => p.name).sort()).toEqual([
      "cursor",
      "from",
      "interval",
      "limit",
      "order",
      "symbol",
      "to",
    ]);
    const indicatorParams = paths["/v1/indicators/{symbol}"]?.get.parameters as { name: string }[];
    expect(indicatorParams.map((p) => p.name)).toContain("columns");
    const barResponses = paths["/v1/bars/{symbol}"]?.get.responses as Record<string, unknown>;
    expect(Object.keys(barResponses).sort()).toEqual(["200", "400", "401", "500", "503"]);
    expect(paths["/healthz"]?.get.security).toEqual([]);
    expect(paths["/v1/prices/latest"]?.get.security).toEqual([{ ApiKey: [] }]);
    expect(body.components).toMatchObject({ securitySchemes: { ApiKey: { type: "apiKey", name: "x-api-key" } } });
  });
});
