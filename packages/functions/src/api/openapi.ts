import type { GenerateSpecOptions } from "hono-openapi";
import { resolver } from "hono-openapi";
import type { GenericSchema } from "valibot";
import { API_KEY_HEADER } from "./auth.js";
import { ErrorSchema } from "./schemas.js";

/** Name of the API-key security scheme in the document. */
const API_KEY_SCHEME = "ApiKey";

/** Options for hono-openapi's document: 3.1, the title, and the API-key scheme when a key is configured. */
export function openApiOptions(version: string, authRequired: boolean): Partial<GenerateSpecOptions> {
  return {
    documentation: {
      openapi: "3.1.0",
      info: {
        title: "Market data API",
        version,
        description: "Latest prices, bars, indicators and data-quality reports of the market-data pipeline.",
      },
      components: authRequired
        ? { securitySchemes: { [API_KEY_SCHEME]: { type: "apiKey", in: "header", name: API_KEY_HEADER } } }
        : {},
    },
    // Our routes document their own 400 (the API's error body), not the library's default shape.
    defaultValidationErrorResponse: false,
    // `/openapi.json` looks like a static file to the library; list it like every other route.
    excludeStaticFile: false,
  };
}

/** The security requirement of a protected route: the API key when one is configured, else none. */
export function securityOf(authRequired: boolean): { [scheme: string]: string[] }[] {
  return authRequired ? [{ [API_KEY_SCHEME]: [] }] : [];
}

/** A JSON response described by a valibot schema (the same schema that types the handler). */
export function json(description: string, schema: GenericSchema) {
  return { description, content: { "application/json": { schema: resolver(schema) } } };
}

/** The error responses a route can give, each with the API's one error body. */
export function errors(...statuses: (400 | 401 | 404 | 503)[]) {
  const text = {
    400: "Invalid request: `error.field` names the input",
    401: "Missing or wrong API key",
    404: "Not found",
    503: "No warehouse is configured for this API",
  };
  const out: Record<string, ReturnType<typeof json>> = {};
  for (const status of statuses) out[status] = json(text[status], ErrorSchema);
  out[500] = json("Internal error (logged; the message is generic)", ErrorSchema);
  return out;
}
