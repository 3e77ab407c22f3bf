// A fake market-data provider on loopback: real HTTP, recorded-shape Alpha Vantage and CoinGecko payloads, and
// faults on demand (throttle bodies, 429s, 5xx, hangs, resets, garbage), for the provider clients' tests, the
// offline ingest schedule and demos. `startFakeProvider()` → `{ alphaVantageUrl, coinGeckoUrl, inject(), requests }`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { COIN_TICKERS } from "@market-data/core/parse/coins";
import {
  AV_BODIES,
  alphaVantagePayload,
  COINGECKO_THROTTLE_BODY,
  coinGeckoMarketChart,
  coinGeckoOhlc,
} from "./payloads.ts";

/** What the next matching requests get instead of data. */
export const FAULTS = [
  /** Alpha Vantage: HTTP 200 `Note` (per-minute); CoinGecko: HTTP 429 with Retry-After. */
  "throttle",
  /** Alpha Vantage: HTTP 200 `Information`, the daily limit. */
  "throttle-daily",
  /** Alpha Vantage: HTTP 200 `Information`, a premium endpoint. */
  "premium",
  /** HTTP 500 with a JSON error. */
  "error",
  /** HTTP 502 with an HTML page (a proxy's). */
  "bad-gateway",
  /** No answer at all until the client gives up. */
  "timeout",
  /** Headers and half a body, then nothing. */
  "stall",
  /** The connection is reset. */
  "reset",
  /** HTTP 200 with JSON cut off mid-way. */
  "malformed",
  /** HTTP 200 with an HTML error page. */
  "html",
] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultRule {
  fault: Fault;
  /** How many matching requests get it. Default 1. */
  times?: number;
  provider?: "alphavantage" | "coingecko";
  /** Only requests for this symbol (Alpha Vantage `symbol=`) or coin id (CoinGecko path). */
  symbol?: string;
  /** Seconds in CoinGecko's Retry-After. Default 1. */
  retryAfter?: number;
}

export interface RecordedRequest {
  provider: "alphavantage" | "coingecko" | "control";
  /** Path and query as received, credentials included: tests check the key reaches the provider. */
  url: string;
  headers: IncomingMessage["headers"];
  /** The fault served, if any. */
  fault?: Fault;
  status?: number;
}

export interface FakeProviderOptions {
  port?: number;
  /** The last day of generated history, `YYYY-MM-DD`. Default: yesterday (UTC), so no bar is in the future. */
  today?: string;
  /** Symbols (Alpha Vantage) or coin ids (CoinGecko) the provider does not know. */
  unknown?: readonly string[];
  /** When set, Alpha Vantage requests must carry this `apikey` and CoinGecko ones this demo/pro header. */
  apiKey?: string;
}

export interface FakeProvider {
  /** Base URL of the server. */
  readonly url: string;
  /** What to give `alphaVantageClient({ baseUrl })`. */
  readonly alphaVantageUrl: string;
  /** What to give `coinGeckoClient({ baseUrl })`: `<url>/api/v3`. */
  readonly coinGeckoUrl: string;
  readonly requests: RecordedRequest[];
  inject(rule: FaultRule): void;
  /** Drops the faults not served yet. */
  clearFaults(): void;
  close(): Promise<void>;
}

/** Starts the fake provider on 127.0.0.1 (a free port unless `port` is given). */
export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const today = options.today ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const unknown = new Set((options.unknown ?? []).map((s) => s.toLowerCase()));
  const faults: (FaultRule & { times: number })[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();

  const takeFault = (provider: "alphavantage" | "coingecko", symbol: string): FaultRule | undefined => {
    const index = faults.findIndex(
      (rule) =>
        (rule.provider === undefined || rule.provider === provider) &&
        (rule.symbol === undefined || rule.symbol.toLowerCase() === symbol.toLowerCase()),
    );
    const rule = faults[index];
    if (rule === undefined) return undefined;
    rule.times--;
    if (rule.times <= 0) faults.splice(index, 1);
    return rule;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname.startsWith("/_fake/")) return control(req, res, url);
    const provider =
      url.pathname === "/query" ? "alphavantage" : url.pathname.startsWith("/api/v3/") ? "coingecko" : undefined;
    if (provider === undefined) return send(res, 404, { error: "not found" });
    const record: RecordedRequest = { provider, url: req.url ?? "", headers: req.headers };
    requests.push(record);
    const symbol =
      provider === "alphavantage" ? (url.searchParams.get("symbol") ?? "") : (url.pathname.split("/")[4] ?? "");
    const rule = takeFault(provider, symbol);
    if (rule) {
      record.fault = rule.fault;
      return serveFault(req, res, provider, rule, record);
    }
    if (provider === "alphavantage") return serveAlphaVantage(res, url, record);
    return serveCoinGecko(req, res, url, record);
  });

  const serveAlphaVantage = (res: ServerResponse, url: URL, record: RecordedRequest) => {
    record.status = 200;
    const fn = url.searchParams.get("function") ?? "";
    if (options.apiKey !== undefined && url.searchParams.get("apikey") !== options.apiKey) {
      return send(res, 200, AV_BODIES.missingKey);
    }
    const symbol = url.searchParams.get("symbol") ?? "";
    if (unknown.has(symbol.toLowerCase()) || symbol === "") return send(res, 200, AV_BODIES.invalidCall(fn));
    const payload = alphaVantagePayload(url.searchParams, today);
    if (payload === null) return send(res, 200, AV_BODIES.invalidCall(fn));
    return sendText(res, 200, payload);
  };

  const serveCoinGecko = (req: IncomingMessage, res: ServerResponse, url: URL, record: RecordedRequest) => {
    const [, , , coins, id = "", kind = "", sub] = url.pathname.split("/");
    const key = req.headers["x-cg-demo-api-key"] ?? req.headers["x-cg-pro-api-key"];
    if (options.apiKey !== undefined && key !== options.apiKey) {
      record.status = 401;
      return send(res, 401, { status: { error_code: 10002, error_message: "API Key Missing" } });
    }
    const ticker = COIN_TICKERS.get(id);
    if (coins !== "coins" || ticker === undefined || unknown.has(id)) {
      record.status = 404;
      return send(res, 404, { error: "coin not found" });
    }
    const symbol = `${ticker}-${(url.searchParams.get("vs_currency") ?? "usd").toUpperCase()}`;
    record.status = 200;
    if (kind === "ohlc" && sub === undefined) {
      return sendText(res, 200, coinGeckoOhlc(symbol, Number(url.searchParams.get("days") ?? "1") || 1, today));
    }
    if (kind === "market_chart") {
      const now = Date.parse(`${today}T23:59:59Z`);
      const from =
        sub === "range"
          ? Number(url.searchParams.get("from")) * 1000
          : now - (Number(url.searchParams.get("days") ?? "1") || 1) * 86_400_000;
      const to = sub === "range" ? Number(url.searchParams.get("to")) * 1000 : now;
      if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
        record.status = 400;
        return send(res, 400, { error: "invalid from/to" });
      }
      return sendText(res, 200, coinGeckoMarketChart(symbol, from, to, today));
    }
    record.status = 404;
    return send(res, 404, { error: "not found" });
  };

  const serveFault = (
    req: IncomingMessage,
    res: ServerResponse,
    provider: "alphavantage" | "coingecko",
    rule: FaultRule,
    record: RecordedRequest,
  ) => {
    const status = (code: number) => {
      record.status = code;
      return code;
    };
    switch (rule.fault) {
      case "throttle":
        if (provider === "alphavantage") return send(res, status(200), AV_BODIES.throttleMinute);
        res.setHeader("retry-after", String(rule.retryAfter ?? 1));
        return send(res, status(429), COINGECKO_THROTTLE_BODY);
      case "throttle-daily":
        return send(res, status(200), AV_BODIES.throttleDay);
      case "premium":
        return send(res, status(200), AV_BODIES.premium);
      case "error":
        return send(res, status(500), { error: "Internal Server Error" });
      case "bad-gateway":
        return sendHtml(res, status(502), "502 Bad Gateway");
      case "html":
        return sendHtml(res, status(200), "Service Temporarily Unavailable");
      case "malformed":
        return sendText(res, status(200), '{\n    "Meta Data": {\n        "1. Information": "Daily Prices (open, hig');
      case "reset":
        req.socket.destroy();
        return;
      case "timeout":
        hung.add(res);
        return;
      case "stall":
        status(200);
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"Meta Data": {');
        hung.add(res);
        return;
    }
  };

  const control = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method === "GET" && url.pathname === "/_fake/requests") return send(res, 200, requests);
    if (req.method === "POST" && url.pathname === "/_fake/faults") {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => {
        text += chunk;
      });
      req.on("end", () => {
        try {
          const rule = JSON.parse(text) as FaultRule;
          if (!FAULTS.includes(rule.fault))
            return send(res, 400, { error: `fault must be one of ${FAULTS.join(", ")}` });
          inject(rule);
          return send(res, 204, null);
        } catch {
          return send(res, 400, { error: "the body must be JSON: {fault, times?, provider?, symbol?}" });
        }
      });
      return;
    }
    return send(res, 404, { error: "not found" });
  };

  const inject = (rule: FaultRule) => {
    faults.push({ ...rule, times: rule.times ?? 1 });
  };

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    alphaVantageUrl: url,
    coinGeckoUrl: `${url}/api/v3`,
    requests,
    inject,
    clearFaults: () => {
      faults.length = 0;
    },
    close: async () => {
      for (const res of hung) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (body === null) {
    res.writeHead(status).end();
    return;
  }
  sendText(res, status, JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendHtml(res: ServerResponse, status: number, title: string): void {
  const html = `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>The server is temporarily unable to service your request.</p></body></html>\n`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html) });
  res.end(html);
}
