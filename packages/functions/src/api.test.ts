import type { LambdaEvent } from "hono/aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";

function httpEvent(path: string, headers: Record<string, string> = {}): LambdaEvent {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    body: null,
    headers: { host: "api.example", ...headers },
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      authentication: null,
      authorizer: {},
      domainName: "api.example",
      domainPrefix: "api",
      http: { method: "GET", path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      requestId: "r",
      routeKey: "$default",
      stage: "$default",
      time: "05/Jan/2024:00:00:00 +0000",
      timeEpoch: 1_704_412_800_000,
    },
  };
}

describe("Lambda entry (api.ts)", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("refuses to start without its resource names", async () => {
    vi.stubEnv("DATA_BUCKET", "");
    vi.stubEnv("LATEST_PRICES_TABLE", "prices");
    await expect(import("./api.js")).rejects.toThrow("DATA_BUCKET");
  });

  it("serves an API Gateway v2 event, enforcing API_KEY (no AWS call is needed for these routes)", async () => {
    vi.stubEnv("DATA_BUCKET", "data");
    vi.stubEnv("LATEST_PRICES_TABLE", "prices");
    vi.stubEnv("API_KEY", "k");
    vi.stubEnv("AWS_REGION", "us-east-1");
    const { handler } = await import("./api.js");
    const health = await handler(httpEvent("/healthz"));
    expect(health).toMatchObject({ statusCode: 200, body: '{"status":"ok"}' });
    const denied = await handler(httpEvent("/v1/prices/AAPL/latest"));
    expect(denied).toMatchObject({ statusCode: 401 });
  });
});
