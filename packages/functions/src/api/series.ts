import { DATE_PATTERN, INTERVALS, type Interval, UTC_TS_PATTERN } from "@market-data/core/bar";
import type { SeriesRow, WarehouseReader } from "@market-data/core/ports";
import {
  BAR_VALUE_COLUMNS,
  INDICATOR_COLUMNS,
  type IndicatorColumn,
  type ReadableColumn,
} from "@market-data/core/warehouse/columns";
import * as v from "valibot";
import { InvalidRequestError } from "./errors.js";

/** Default and largest page of the bars and indicators routes. */
export const SERIES_LIMIT = { default: 100, max: 1000 } as const;

const INSTANT_RULE = "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)";
const INDICATOR_SET: ReadonlySet<string> = new Set(INDICATOR_COLUMNS);

/** A bound from the query: a calendar day (its midnight, UTC) or a whole-second UTC instant, 1970..2199. */
const instant = (field: string) =>
  v.optional(
    v.pipe(
      v.string(),
      v.check(
        (text) => toInstantMs(text) !== undefined,
        `${field} must be ${INSTANT_RULE}, a real date between 1970 and 2199`,
      ),
      v.description(
        field === "from"
          ? `First bar to return, inclusive: ${INSTANT_RULE}.`
          : `Last bar to return, inclusive (a day includes all of it): ${INSTANT_RULE}.`,
      ),
    ),
  );

/** Query of `GET /v1/bars/{symbol}`. */
export const SeriesQuerySchema = v.object({
  interval: v.optional(
    v.pipe(
      v.picklist(INTERVALS, `interval must be one of ${INTERVALS.join(", ")}`),
      v.description(`Bar interval, default 1d: ${INTERVALS.join(", ")}.`),
    ),
  ),
  from: instant("from"),
  to: instant("to"),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,4}$/, `limit must be a whole number from 1 to ${SERIES_LIMIT.max}`),
      v.transform(Number),
      v.check((n) => n >= 1 && n <= SERIES_LIMIT.max, `limit must be a whole number from 1 to ${SERIES_LIMIT.max}`),
      v.description(`Rows per page: 1..${SERIES_LIMIT.max}, default ${SERIES_LIMIT.default}.`),
    ),
  ),
  order: v.optional(
    v.pipe(
      v.picklist(["asc", "desc"], "order must be asc or desc"),
      v.description("asc (oldest first, the default) or desc (newest first)."),
    ),
  ),
  cursor: v.optional(
    v.pipe(
      v.string(),
      v.check((text) => decodeCursor(text) !== undefined, "cursor is not one this API issued; send next_cursor as is"),
      v.description("`next_cursor` of the previous page; repeat the other parameters unchanged."),
    ),
  ),
});

/** Query of `GET /v1/indicators/{symbol}`: the series query plus `columns`. */
export const IndicatorsQuerySchema = v.object({
  ...SeriesQuerySchema.entries,
  columns: v.optional(
    v.pipe(
      v.string(),
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        const listed = dataset.value
          .split(",")
          .map((c) => c.trim().toLowerCase())
          .filter((c) => c !== "");
        // Position, not value, in the message: the input is untrusted and need not be echoed back.
        const bad = listed.findIndex((c) => !INDICATOR_SET.has(c));
        if (listed.length === 0 || bad >= 0) {
          addIssue({
            message:
              listed.length === 0
                ? "columns must name at least one indicator"
                : `columns entry ${bad + 1} is not an indicator; choose from ${INDICATOR_COLUMNS.join(", ")}`,
          });
          return NEVER;
        }
        return [...new Set(listed)] as IndicatorColumn[];
      }),
      v.description(`Comma-separated indicators (default all): ${INDICATOR_COLUMNS.join(", ")}.`),
    ),
  ),
});

export type SeriesQuery = v.InferOutput<typeof SeriesQuerySchema>;

/** One page of a series as the routes answer it. */
export interface SeriesPage {
  symbol: string;
  interval: Interval;
  order: "asc" | "desc";
  rows: SeriesRow[];
  next_cursor: string | null;
}

/**
 * Reads one page: resolves the bounds, asks for one row more than the page so it knows whether another page
 * follows, and makes the cursor from the last row returned.
 */
export async function readSeriesPage(
  reader: WarehouseReader,
  symbol: string,
  query: SeriesQuery,
  columns: readonly ReadableColumn[],
): Promise<SeriesPage> {
  const interval = query.interval ?? "1d";
  const order = query.order ?? "asc";
  const limit = query.limit ?? SERIES_LIMIT.default;
  const fromMs = query.from === undefined ? undefined : toInstantMs(query.from);
  // `to` is inclusive: a day means the whole day, an instant that second, so the bound is exclusive at the next.
  const toMs =
    query.to === undefined
      ? undefined
      : (toInstantMs(query.to) ?? 0) + (DATE_PATTERN.test(query.to) ? 86_400_000 : 1000);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) {
    throw new InvalidRequestError("from", "from must not be after to");
  }
  const rows = await reader.readSeries({
    symbol,
    interval,
    order,
    limit: limit + 1,
    columns,
    ...(fromMs === undefined ? {} : { fromTs: iso(fromMs) }),
    ...(toMs === undefined ? {} : { toTs: iso(toMs) }),
    ...(query.cursor === undefined ? {} : { afterTs: decodeCursor(query.cursor) }),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const more = rows.length > limit && last !== undefined && typeof last.ts === "string";
  return { symbol, interval, order, rows: page, next_cursor: more ? encodeCursor(String(last.ts)) : null };
}

/** Columns of `GET /v1/bars`. */
export const BAR_COLUMNS_READ: readonly ReadableColumn[] = BAR_VALUE_COLUMNS;

// The cursor is the last row's ts, versioned and base64url'd: opaque to clients, checked on the way back in.
export function encodeCursor(ts: string): string {
  return Buffer.from(`v1:${ts}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const ts = text.startsWith("v1:") ? text.slice(3) : "";
  return UTC_TS_PATTERN.test(ts) && toInstantMs(ts) !== undefined ? ts : undefined;
}

/** Epoch ms of `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ`, when real and within 1970..2199. */
function toInstantMs(text: string): number | undefined {
  const isDate = DATE_PATTERN.test(text);
  if (!isDate && !UTC_TS_PATTERN.test(text)) return undefined;
  const ms = Date.parse(isDate ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms) || ms < 0 || ms >= Date.parse("2200-01-01T00:00:00Z")) return undefined;
  // Date.parse rolls 2024-02-30 over to March: a real date prints back as itself.
  const canonical = isDate ? iso(ms).slice(0, 10) : iso(ms);
  return canonical === text ? ms : undefined;
}

function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

// Response schemas: they document the routes in openapi.json.

const pageFields = {
  symbol: v.string(),
  interval: v.picklist(INTERVALS),
  order: v.picklist(["asc", "desc"]),
  next_cursor: v.pipe(
    v.nullable(v.string()),
    v.description("Pass as `cursor` (with the same other parameters) for the next page; null on the last page."),
  ),
};

export const BarRowSchema = v.pipe(
  v.object({
    ts: v.pipe(v.string(), v.description("Bar start, UTC: YYYY-MM-DDTHH:MM:SSZ.")),
    trade_date: v.string(),
    open: v.number(),
    high: v.number(),
    low: v.number(),
    close: v.number(),
    adj_close: v.nullable(v.number()),
    volume: v.number(),
    currency: v.nullable(v.string()),
  }),
  v.metadata({ ref: "Bar" }),
);

export const BarsPageSchema = v.object({ ...pageFields, bars: v.array(BarRowSchema) });

export const IndicatorsPageSchema = v.object({
  ...pageFields,
  columns: v.array(v.picklist(INDICATOR_COLUMNS)),
  rows: v.pipe(
    v.array(v.record(v.string(), v.nullable(v.union([v.string(), v.number(), v.boolean()])))),
    v.description("`ts` and each requested indicator; null during an indicator's warm-up."),
  ),
});
