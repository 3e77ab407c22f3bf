/**
 * Structural JSON scanning over a text that may stop anywhere (a chunk end). These helpers only find where
 * tokens and values end; the values they delimit are checked by `JSON.parse` or by the Alpha Vantage entry
 * reader, so invalid JSON is still rejected.
 */

/** The text stops before the token or value ends: wait for more. */
export const INCOMPLETE = -1;
/** Not JSON here. */
export const INVALID = -2;

const WS = /[ \n\r\t]*/y;

/** Index of the first non-whitespace character at or after `i` (JSON whitespace: space, tab, CR, LF). */
export function skipWs(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
  // Pretty-printed JSON (Alpha Vantage's) is mostly indentation: the regex engine skips runs ~2x faster than a loop.
  WS.lastIndex = i;
  WS.test(s);
  return WS.lastIndex;
}

/** Index after the closing quote of the string opening at `s[i]`, or {@link INCOMPLETE}. */
export function stringEnd(s: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = s.indexOf('"', j);
    if (q < 0) return INCOMPLETE;
    let slashes = 0;
    for (let k = q - 1; k > i && s.charCodeAt(k) === 92; k--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/**
 * Index after the JSON value starting at `s[i]` (no leading whitespace), {@link INCOMPLETE} or {@link INVALID}.
 * Brackets are counted, strings skipped; whether the inside is well-formed is left to `JSON.parse`.
 */
export function valueEnd(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (Number.isNaN(c)) return INCOMPLETE;
  if (c === 34) return stringEnd(s, i);
  if (c !== 123 && c !== 91) {
    let j = i;
    while (j < s.length && !isDelimiter(s.charCodeAt(j))) j++;
    if (j === i) return INVALID;
    return j === s.length ? INCOMPLETE : j;
  }
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const d = s.charCodeAt(j);
    if (d === 34) {
      const end = stringEnd(s, j);
      if (end < 0) return end;
      j = end - 1;
    } else if (d === 123 || d === 91) {
      depth++;
    } else if (d === 125 || d === 93) {
      depth--;
      if (depth === 0) return j + 1;
      if (depth < 0) return INVALID;
    }
  }
  return INCOMPLETE;
}

function isDelimiter(c: number): boolean {
  return c === 44 || c === 125 || c === 93 || c === 32 || c === 10 || c === 13 || c === 9 || c === 58;
}

/** `JSON.parse` as a result: the value, or the parser's message. */
export function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** What the top level of a JSON object in a text head showed. */
export interface TopLevel {
  /** Keys in order, with their parsed values when they are short (under 64 KiB), else `undefined`. */
  entries: Map<string, unknown>;
  /** The object closed within the text. */
  complete: boolean;
  /** Set when the text is not JSON: the parser's message or where it went wrong. */
  error?: string;
}

const SMALL_VALUE = 65_536;

/** Reads the top-level keys of the JSON object that `s` starts with (after whitespace), as far as `s` goes. */
export function scanTopLevel(s: string): TopLevel {
  const entries = new Map<string, unknown>();
  let i = skipWs(s, 0);
  if (s.charCodeAt(i) !== 123) return { entries, complete: false, error: "the text does not start with {" };
  i = skipWs(s, i + 1);
  if (s.charCodeAt(i) === 125) return { entries, complete: true };
  for (;;) {
    if (i >= s.length) return { entries, complete: false };
    if (s.charCodeAt(i) !== 34) return { entries, complete: false, error: `expected a key at character ${i}` };
    const keyEnd = stringEnd(s, i);
    if (keyEnd < 0) return { entries, complete: false };
    const key = tryParse(s.slice(i, keyEnd));
    if (!key.ok) return { entries, complete: false, error: key.error };
    i = skipWs(s, keyEnd);
    if (i >= s.length) return { entries, complete: false };
    if (s.charCodeAt(i) !== 58) return { entries, complete: false, error: `expected ':' at character ${i}` };
    i = skipWs(s, i + 1);
    const end = valueEnd(s, i);
    if (end === INVALID) return { entries, complete: false, error: `unexpected character at ${i}` };
    const name = String(key.value);
    if (end === INCOMPLETE) {
      entries.set(name, undefined);
      return { entries, complete: false };
    }
    if (end - i < SMALL_VALUE) {
      const value = tryParse(s.slice(i, end));
      if (!value.ok) return { entries, complete: false, error: value.error };
      entries.set(name, value.value);
    } else {
      entries.set(name, undefined);
    }
    i = skipWs(s, end);
    const c = s.charCodeAt(i);
    if (c === 44) i = skipWs(s, i + 1);
    else if (c === 125) return { entries, complete: true };
    else if (i >= s.length) return { entries, complete: false };
    else return { entries, complete: false, error: `expected ',' or '}' at character ${i}` };
  }
}
