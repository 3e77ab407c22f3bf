import type { Interval } from "@market-data/core/bar";
import type { DateRange, ProviderId, ProviderSlice } from "@market-data/core/providers/types";

/** One provider answer, ready to be written to raw/ as is. */
export interface RawPayload {
  slice: ProviderSlice;
  /** The body exactly as received: never re-encoded, so the raw object is what the provider said. */
  body: Uint8Array;
  contentType: string;
  /** The request with credentials masked. */
  url: string;
  /** When the answer arrived (ISO-8601, the client's clock). */
  fetchedAt: string;
  /** Attempts it took (1 = no retry). */
  attempts: number;
}

/** Per-call options. */
export interface FetchOptions {
  /** Give up waiting for the rate budget after this instant (epoch ms of the client's clock): `BudgetDeferredError`. */
  deadline?: number;
  signal?: AbortSignal;
}

/**
 * A market-data provider: the requests that cover a symbol, interval and range, and fetching them. `fetchBars`
 * is the whole range at once; the schedule and the backfill use `slices` + `fetchSlice` so they can skip what the
 * bucket already holds before spending any of the budget.
 */
export interface BarProvider {
  readonly id: ProviderId;
  /** Throws `ProviderError` for a symbol the provider cannot serve (unknown coin, unsupported interval). */
  slices(symbol: string, interval: Interval, range?: DateRange): ProviderSlice[];
  fetchSlice(slice: ProviderSlice, options?: FetchOptions): Promise<RawPayload>;
  fetchBars(symbol: string, interval: Interval, range?: DateRange, options?: FetchOptions): Promise<RawPayload[]>;
}

/** Structured logging as the clients use it: a message and one object of fields. A Powertools Logger fits. */
export interface ProviderLogger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export const silentLogger: ProviderLogger = { debug() {}, info() {}, warn() {}, error() {} };
