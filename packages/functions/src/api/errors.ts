import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every error code the API answers with, and its HTTP status: the one table `app.onError` maps through. */
export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  SYMBOL_NOT_FOUND: 404,
  INTERNAL: 500,
  WAREHOUSE_UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** The JSON body of every error response. `field` names the request input at fault (400 only). */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

/** Base of the API's named errors: a stable `code` clients can switch on, and a message that says what to do. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** 400: a query or path value failed validation; `field` names it (`symbols`, `symbol`, `date`, `limit`). */
export class InvalidRequestError extends ApiError {
  constructor(field: string, message: string) {
    super("INVALID_REQUEST", message, field);
    this.name = "InvalidRequestError";
  }
}

/** 401: the API key is configured and the request's `x-api-key` header is missing or wrong. */
export class UnauthorizedError extends ApiError {
  constructor(message: string) {
    super("UNAUTHORIZED", message);
    this.name = "UnauthorizedError";
  }
}

/** 404: no latest price is stored for the symbol. */
export class SymbolNotFoundError extends ApiError {
  constructor(readonly symbol: string) {
    super("SYMBOL_NOT_FOUND", `no latest price for symbol ${symbol}`);
    this.name = "SymbolNotFoundError";
  }
}

/** 503: the route reads the warehouse, and this deployment has none configured. */
export class WarehouseUnavailableError extends ApiError {
  constructor() {
    super(
      "WAREHOUSE_UNAVAILABLE",
      "bars and indicators come from the warehouse, and this API has none configured; latest prices still work",
    );
    this.name = "WarehouseUnavailableError";
  }
}

/** Where unexpected errors are reported (Powertools' Logger fits, and so does `console`). */
export interface ErrorLogger {
  error(message: string, ...extra: unknown[]): void;
}

/**
 * The response for any thrown error. Named errors keep their code and message; Hono's own HTTPExceptions
 * (e.g. a malformed request) keep their status; anything else is a 500 with a generic message, and the real
 * error goes to the log only, so internals never leak to clients.
 */
export function toErrorResponse(err: unknown, logger: ErrorLogger): { status: ContentfulStatusCode; body: ErrorBody } {
  if (err instanceof ApiError) {
    const error = { code: err.code, message: err.message, ...(err.field === undefined ? {} : { field: err.field }) };
    return { status: ERROR_STATUS[err.code], body: { error } };
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code: ErrorCode = err.status === 401 ? "UNAUTHORIZED" : err.status === 404 ? "NOT_FOUND" : "INVALID_REQUEST";
    return { status: err.status, body: { error: { code, message: err.message || "invalid request" } } };
  }
  logger.error("unhandled API error", err);
  return { status: 500, body: { error: { code: "INTERNAL", message: "internal error; it has been logged" } } };
}
