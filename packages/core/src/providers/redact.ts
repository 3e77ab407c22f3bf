/** Keeping credentials out of logs and error messages. */

const MASK = "***";
/** Query parameters and headers that carry credentials with the providers this pipeline pulls from. */
const SECRET_PARAMS = /([?&](?:apikey|api_key|x_cg_demo_api_key|x_cg_pro_api_key|key|token)=)[^&#\s"']*/gi;

/**
 * A URL safe to print: credential query parameters masked.
 * e.g. `redactUrl("https://x/query?function=TIME_SERIES_DAILY&apikey=ABC")` → `https://x/query?function=TIME_SERIES_DAILY&apikey=***`.
 */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, `$1${MASK}`);
}

/**
 * Text with every occurrence of the given secrets (and credential URL parameters) masked: the last line of
 * defence for messages built from provider answers or network errors, which may echo a request.
 * e.g. `redactSecrets("bad key ABC", ["ABC"])` → `bad key ***`.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = redactUrl(text);
  for (const secret of secrets) {
    // A 1–3 character "secret" would mask ordinary words; no provider issues keys that short.
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join(MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(MASK);
  }
  return out;
}
