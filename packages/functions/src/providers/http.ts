/** One HTTP GET with a timeout, its failures as values: a provider client decides what they mean. */

/** An answer, whatever its status. `body` holds the bytes exactly as received. */
export interface HttpResponse {
  ok: true;
  status: number;
  contentType: string;
  retryAfter: string | null;
  body: Uint8Array;
}

/** No answer: timed out, reset, refused, unresolvable. `reason` names the kind, never the URL. */
export interface HttpFailure {
  ok: false;
  kind: "timeout" | "network";
  reason: string;
}

/**
 * GETs a URL with Node's fetch. The timeout covers headers and body: a server that answers headers then stalls
 * is as stuck as one that never answers. Aborting through `signal` (the caller gives up) rejects, unlike the
 * provider's failures, which are returned.
 */
export async function httpGet(
  url: string,
  options: { headers?: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
): Promise<HttpResponse | HttpFailure> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const response = await fetch(url, { headers: options.headers ?? {}, signal, redirect: "follow" });
    const body = new Uint8Array(await response.arrayBuffer());
    return {
      ok: true,
      status: response.status,
      contentType: response.headers.get("content-type") ?? "",
      retryAfter: response.headers.get("retry-after"),
      body,
    };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      return { ok: false, kind: "timeout", reason: `no complete answer within ${options.timeoutMs} ms (timed out)` };
    }
    return { ok: false, kind: "network", reason: `the connection failed (${networkCause(error)})` };
  }
}

/** A short name for a network error: its code (`ECONNRESET`, `UND_ERR_SOCKET`) or message, never the URL. */
function networkCause(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (typeof cause === "object" && cause !== null) {
    const code = "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
    const message = "message" in cause && typeof cause.message === "string" ? cause.message : undefined;
    if (code && message) return `${code}: ${message}`;
    if (code || message) return code ?? message ?? "unknown";
  }
  return String(cause);
}
