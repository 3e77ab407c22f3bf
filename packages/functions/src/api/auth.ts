import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { UnauthorizedError } from "./errors.js";

/** Header that carries the API key. */
export const API_KEY_HEADER = "x-api-key";

/** Paths anyone may call: the load balancer's probe and the API's own description. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/healthz", "/openapi.json"]);

/** Requires `x-api-key` equal to `apiKey` on every path but the public ones; 401 otherwise. */
export function apiKeyAuth(apiKey: string): MiddlewareHandler {
  const expected = digest(apiKey);
  return async (c, next) => {
    if (PUBLIC_PATHS.has(c.req.path)) return next();
    const given = c.req.header(API_KEY_HEADER);
    if (given === undefined || given === "") {
      throw new UnauthorizedError(`send the API key in the ${API_KEY_HEADER} header`);
    }
    if (!timingSafeEqual(digest(given), expected)) throw new UnauthorizedError("the API key is not valid");
    return next();
  };
}

// Comparing fixed-length digests keeps the comparison constant-time and hides the key's length too.
function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
