import type { LatestPriceStore, ObjectStore, WarehouseReader } from "@market-data/core/ports";
import { INDICATOR_COLUMNS } from "@market-data/core/warehouse/columns";
import { Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { describeRoute, openAPIRouteHandler, validator } from "hono-openapi";
import type { GenericSchema } from "valibot";
import { API_KEY_HEADER, apiKeyAuth } from "./auth.js";
import {
  type ErrorLogger,
  InvalidRequestError,
  SymbolNotFoundError,
  toErrorResponse,
  WarehouseUnavailableError,
} from "./errors.js";
import { errors, json, openApiOptions, securityOf } from "./openapi.js";
import { listReportSummaries } from "./reports.js";
import {
  HealthSchema,
  LatestPriceDocSchema,
  LatestPricesQuerySchema,
  LatestPricesSchema,
  REPORTS_LIMIT,
  ReportsQuerySchema,
  ReportsSchema,
  SymbolParamSchema,
} from "./schemas.js";
import {
  BAR_COLUMNS_READ,
  BarsPageSchema,
  IndicatorsPageSchema,
  IndicatorsQuerySchema,
  readSeriesPage,
  SeriesQuerySchema,
} from "./series.js";

/** What the API needs: the two stores (AWS or offline adapters) and its optional settings. */
export interface AppDeps {
  prices: LatestPriceStore;
  objects: ObjectStore;
  /** Bars and indicators; without it those routes answer 503 WAREHOUSE_UNAVAILABLE. */
  warehouse?: WarehouseReader;
  /** When set (non-empty), every route but `/healthz` and `/openapi.json` requires it in `x-api-key`. */
  apiKey?: string;
  /** Shown in `openapi.json`'s `info.version`. */
  version?: string;
  /** Allowed CORS origins (default any: the API is read-only and keyed, cookies play no part). */
  corsOrigin?: string | string[];
  /** Where unexpected errors are logged (default `console`). */
  logger?: ErrorLogger;
  /** Clock for the reports' default date (tests). */
  now?: () => Date;
}

/** A validation issue as Standard Schema reports it: enough to name the field at fault. */
interface Issue {
  message: string;
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> | undefined;
}

/** Validator hook: the first issue becomes an `InvalidRequestError` naming its field, for `app.onError`. */
function rejectInvalid(result: { success: true } | { success: false; error: readonly Issue[] }): void {
  if (result.success) return;
  const issue = result.error[0];
  const field = (issue?.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".");
  throw new InvalidRequestError(field || "request", issue?.message ?? "invalid request");
}

/**
 * CORS: preflights are Hono's `cors()`; every other request gets its allow-origin header (and `Vary: Origin` for a
 * list) through `c.header()` before the handler. `cors()` itself sets those through `c.res` before the handler,
 * which makes Hono rebuild each response around a body stream afterwards; that took @hono/node-server off its
 * fast path (writing a string body directly) and cost more CPU than the latest-price route's own work.
 */
function corsFor(origin: string | string[]): MiddlewareHandler {
  const preflight = cors({ origin, allowMethods: ["GET", "HEAD", "OPTIONS"], maxAge: 600 });
  const allowed = (requestOrigin: string): string | undefined => {
    if (origin === "*") return "*";
    const list = typeof origin === "string" ? [origin] : origin;
    return list.includes(requestOrigin) ? requestOrigin : undefined;
  };
  return async (c, next) => {
    if (c.req.method === "OPTIONS") return preflight(c, next);
    const allow = allowed(c.req.header("origin") ?? "");
    if (allow !== undefined) c.header("Access-Control-Allow-Origin", allow);
    if (origin !== "*") c.header("Vary", "Origin", { append: true });
    await next();
  };
}

/** The API's Hono app, routes chained so their types reach `hono/client` (`hc<AppType>`). */
export function createApp(deps: AppDeps) {
  const { prices, objects } = deps;
  const warehouse = () => {
    if (deps.warehouse === undefined) throw new WarehouseUnavailableError();
    return deps.warehouse;
  };
  const logger = deps.logger ?? console;
  const now = deps.now ?? (() => new Date());
  const apiKey = deps.apiKey === "" ? undefined : deps.apiKey; // an empty setting means "no key", not "key ''"
  const authRequired = apiKey !== undefined;
  const security = securityOf(authRequired);
  // A protected route's responses: its 200, its own errors, and the 401 when a key is configured.
  const ok = (description: string, schema: GenericSchema, ...more: (400 | 404 | 503)[]) => ({
    200: json(description, schema),
    ...errors(...more, ...(authRequired ? [401 as const] : [])),
  });

  const app = new Hono()
    .use("*", corsFor(deps.corsOrigin ?? "*"))
    .use("*", apiKey === undefined ? async (_c, next) => next() : apiKeyAuth(apiKey))
    .get(
      "/healthz",
      describeRoute({
        summary: "Liveness probe (no API key)",
        tags: ["ops"],
        security: [],
        responses: { 200: json("Alive", HealthSchema) },
      }),
      (c) => c.json({ status: "ok" as const }, 200),
    )
    .get(
      "/v1/prices/latest",
      describeRoute({
        summary: "Latest prices of up to 100 symbols",
        tags: ["prices"],
        security,
        responses: ok("The stored prices, and the symbols that have none", LatestPricesSchema, 400),
      }),
      validator("query", LatestPricesQuerySchema, rejectInvalid),
      async (c) => {
        const { symbols } = c.req.valid("query");
        const found = await prices.get(symbols);
        const have = new Set(found.map((p) => p.symbol));
        return c.json({ prices: found, missing: symbols.filter((s) => !have.has(s)) }, 200);
      },
    )
    .get(
      "/v1/prices/:symbol/latest",
      describeRoute({
        summary: "Latest price of one symbol",
        tags: ["prices"],
        security,
        responses: ok("The stored price", LatestPriceDocSchema, 400, 404),
      }),
      validator("param", SymbolParamSchema, rejectInvalid),
      async (c) => {
        const { symbol } = c.req.valid("param");
        const [price] = await prices.get([symbol]);
        if (price === undefined) throw new SymbolNotFoundError(symbol);
        return c.json(price, 200);
      },
    )
    .get(
      "/v1/bars/:symbol",
      describeRoute({
        summary: "OHLCV bars of one symbol from the warehouse, a page at a time",
        tags: ["bars"],
        security,
        responses: ok("One page of bars, in time order", BarsPageSchema, 400, 503),
      }),
      validator("param", SymbolParamSchema, rejectInvalid),
      validator("query", SeriesQuerySchema, rejectInvalid),
      async (c) => {
        const { symbol } = c.req.valid("param");
        const page = await readSeriesPage(warehouse(), symbol, c.req.valid("query"), BAR_COLUMNS_READ);
        const { rows, ...rest } = page;
        return c.json({ ...rest, bars: rows }, 200);
      },
    )
    .get(
      "/v1/indicators/:symbol",
      describeRoute({
        summary: "Indicators of one symbol from the warehouse (all, or those named in columns), a page at a time",
        tags: ["bars"],
        security,
        responses: ok("One page of indicator rows, in time order", IndicatorsPageSchema, 400, 503),
      }),
      validator("param", SymbolParamSchema, rejectInvalid),
      validator("query", IndicatorsQuerySchema, rejectInvalid),
      async (c) => {
        const { symbol } = c.req.valid("param");
        const query = c.req.valid("query");
        const columns = query.columns ?? [...INDICATOR_COLUMNS];
        const page = await readSeriesPage(warehouse(), symbol, query, columns);
        return c.json({ ...page, columns }, 200);
      },
    )
    .get(
      "/v1/quality/reports",
      describeRoute({
        summary: "Validation reports of one day, newest first, summarised",
        tags: ["quality"],
        security,
        responses: ok("Report summaries", ReportsSchema, 400),
      }),
      validator("query", ReportsQuerySchema, rejectInvalid),
      async (c) => {
        const query = c.req.valid("query");
        const date = query.date ?? now().toISOString().slice(0, 10);
        const body = await listReportSummaries(objects, date, query.limit ?? REPORTS_LIMIT.default, logger);
        return c.json(body, 200);
      },
    )
    .notFound((c) => {
      const error = {
        code: "NOT_FOUND" as const,
        message: `no route ${c.req.method} ${c.req.path}; see /openapi.json`,
      };
      return c.json({ error }, 404);
    })
    .onError((err, c) => {
      const { status, body } = toErrorResponse(err, logger);
      return c.json(body, status);
    });

  // Registered last so the generator sees every route above; it describes itself too.
  return app.get(
    "/openapi.json",
    describeRoute({
      summary: "This OpenAPI 3.1 document (no API key)",
      tags: ["ops"],
      security: [],
      responses: { 200: { description: "OpenAPI 3.1 document", content: { "application/json": {} } } },
    }),
    openAPIRouteHandler(app, openApiOptions(deps.version ?? "0.0.0", authRequired)),
  );
}

/** The app's type, for a typed client: `hc<AppType>(url)`. */
export type AppType = ReturnType<typeof createApp>;

export { API_KEY_HEADER };
