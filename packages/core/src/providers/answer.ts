/** Shared reading of provider HTTP answers: HTML pages, JSON that does not parse, Retry-After, short quotes. */
import { type Classification, type HttpAnswer, PROVIDER_ERROR } from "./types.js";

/** A failed classification. */
export type Failure = Extract<Classification, { ok: false }>;

/** Parsed JSON of an answer, or the failure that says why it is not JSON. */
export type JsonBody = { ok: true; value: unknown } | Failure;

/**
 * Reads an HTTP-200 body as JSON. An HTML page (a proxy's or a CDN's error page, a captive portal) and JSON that
 * does not parse are provider errors with a reason a person can act on, never a crash of the caller.
 * e.g. `readJson("Alpha Vantage", { status: 200, contentType: "text/html", text: "<html>…" })` → `PROVIDER_BAD_RESPONSE`.
 */
export function readJson(provider: string, answer: HttpAnswer): JsonBody {
  const text = answer.text.replace(/^\uFEFF/, "").trimStart();
  if (text === "") {
    return bad(`${provider} answered HTTP ${answer.status} with an empty body instead of JSON`);
  }
  if (text.startsWith("<") || /^text\/html/i.test(answer.contentType)) {
    const title = /<title[^>]*>([^<]{0,120})/i.exec(text)?.[1]?.trim();
    return bad(
      `${provider} answered HTTP ${answer.status} with an HTML page${title ? ` ("${title}")` : ""} instead of JSON: an error page from the provider or a proxy`,
    );
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return bad(
      `${provider} answered HTTP ${answer.status} with malformed JSON (${quote(detail, 100)}; ${text.length} characters): the response was cut off or corrupted`,
    );
  }
}

function bad(reason: string): Failure {
  return { ok: false, code: PROVIDER_ERROR.badResponse, reason };
}

/** Failures every provider shares, by HTTP status alone; null for a 2xx (the body decides). */
export function statusFailure(provider: string, answer: HttpAnswer, now: number): Failure | null {
  const { status } = answer;
  if (status >= 200 && status < 300) return null;
  const said = providerText(answer.text);
  const suffix = said ? `: ${said}` : "";
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(answer.retryAfter, now);
    return {
      ok: false,
      code: PROVIDER_ERROR.throttled,
      reason: `${provider} rate-limited the request (HTTP 429${retryAfterMs === undefined ? "" : `, retry after ${Math.ceil(retryAfterMs / 1000)} s`})${suffix}`,
      window: "minute",
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (status >= 500) {
    return { ok: false, code: PROVIDER_ERROR.unavailable, reason: `${provider} failed with HTTP ${status}${suffix}` };
  }
  if (status === 401 || status === 403) {
    return {
      ok: false,
      code: PROVIDER_ERROR.auth,
      reason: `${provider} refused the API key (HTTP ${status})${suffix}: check the key and the plan it belongs to`,
    };
  }
  return {
    ok: false,
    code: PROVIDER_ERROR.rejected,
    reason: `${provider} rejected the request (HTTP ${status})${suffix}`,
  };
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date (RFC 9110); undefined when absent or unreadable.
 * e.g. `parseRetryAfter("30", now)` → `30000`.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === undefined || value === null || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A short, single-line quote of provider text for an error message. */
export function quote(text: string, max = 200): string {
  const line = text.replace(/\s+/g, " ").trim();
  return `"${line.length <= max ? line : `${line.slice(0, max - 1)}…`}"`;
}

/** What an error body says in a few words: a JSON message field, an HTML title, or the start of the text. */
function providerText(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "";
  if (trimmed.startsWith("<")) {
    const title = /<title[^>]*>([^<]{0,120})/i.exec(trimmed)?.[1]?.trim();
    return title ? `an HTML page ("${title}")` : "an HTML page";
  }
  return quote(trimmed, 160);
}
