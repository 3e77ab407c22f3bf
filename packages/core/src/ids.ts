import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/**
 * The id of one version of a raw object, used to name everything derived from it, so a retried message
 * overwrites its own output instead of adding a copy. Readable prefix from the file name, then a hash of
 * key + ETag. e.g. `objectIdOf("raw/csv/AAPL.csv", "\"9b2c…\"")` → `AAPL-csv-3f9a1c0d2b7e4a61`.
 */
export function objectIdOf(rawKey: string, etag: string): string {
  const base = rawKey.split("/").pop() ?? "object";
  const readable =
    base
      .replace(/[^A-Za-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48) || "object";
  const digest = bytesToHex(sha256(utf8ToBytes(`${rawKey}\n${normalizeEtag(etag)}`))).slice(0, 16);
  return `${readable}-${digest}`;
}

/** S3 quotes ETags in some APIs and not in others (event records); compare them unquoted. */
export function normalizeEtag(etag: string): string {
  return etag.replace(/^"+|"+$/g, "");
}
