import type { CandidateBar, FileReject, FileRuleId } from "./types.js";

/** A whole-object rejection. e.g. `reject("file.format_known", "the object is empty")`. */
export function reject(rule: FileRuleId, reason: string): FileReject {
  return { ok: false, rule, reason };
}

/** True when a parser answered with a whole-object rejection instead of records. */
export function isFileReject(value: unknown): value is FileReject {
  return typeof value === "object" && value !== null && (value as { ok?: unknown }).ok === false;
}

/** A provider's message for a reason: one line, at most ~300 characters, in quotes. */
export function quote(text: string, max = 300): string {
  const line = text.replace(/\s+/g, " ").trim();
  return `"${line.length > max ? `${line.slice(0, max)}…` : line}"`;
}

/**
 * A record with nothing read yet: NaN numbers, no symbol, no timestamp. Every parser builds its records from
 * this one literal so they share one object shape (keeps the quality gate's property reads monomorphic).
 */
export function blankCandidate(row: number, input: unknown): CandidateBar {
  return {
    row,
    symbol: "",
    interval: null,
    tsMs: Number.NaN,
    tsError: undefined,
    tradeDate: "",
    open: Number.NaN,
    high: Number.NaN,
    low: Number.NaN,
    close: Number.NaN,
    adjClose: null,
    volume: Number.NaN,
    assetClass: undefined,
    currency: undefined,
    input,
  };
}

/** Strips a leading byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
