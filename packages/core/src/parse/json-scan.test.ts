import { describe, expect, it } from "vitest";
import { INCOMPLETE, INVALID, scanTopLevel, skipWs, stringEnd, valueEnd } from "./json-scan.js";

describe("JSON scanning", () => {
  it("skips JSON whitespace only", () => {
    expect(skipWs("  \n\t\r x", 0)).toBe(6);
    expect(skipWs("x", 0)).toBe(0);
    expect(skipWs("   ", 0)).toBe(3);
  });

  it("finds the end of strings with escaped quotes and backslashes", () => {
    expect(stringEnd('"a\\"b" x', 0)).toBe(6);
    expect(stringEnd('"a\\\\" x', 0)).toBe(5);
    expect(stringEnd('"abc', 0)).toBe(INCOMPLETE);
  });

  it("finds the end of nested values, or says the text stops first", () => {
    expect(valueEnd('{"a": [1, "}"], "b": {}} tail', 0)).toBe(24);
    expect(valueEnd("123, 4", 0)).toBe(3);
    expect(valueEnd('{"a": [1', 0)).toBe(INCOMPLETE);
    expect(valueEnd("", 0)).toBe(INCOMPLETE);
    expect(valueEnd("]", 0)).toBe(INVALID);
    expect(valueEnd("}", 0)).toBe(INVALID);
    // Mismatched brackets are only counted here; JSON.parse of the delimited value rejects them.
    expect(valueEnd("{]]", 0)).toBe(2);
  });

  it("lists top-level keys with their short values, as far as the text goes", () => {
    const top = scanTopLevel(' {"Note": "slow down", "n": 1, "Time Series (Daily)": {"2024-01-0');
    expect(top.complete).toBe(false);
    expect([...top.entries]).toEqual([
      ["Note", "slow down"],
      ["n", 1],
      ["Time Series (Daily)", undefined],
    ]);
    expect(scanTopLevel("{}")).toEqual({ entries: new Map(), complete: true });
    expect(scanTopLevel('{"a" 1}').error).toContain("expected ':'");
    expect(scanTopLevel('{"a": 1 "b": 2}').error).toContain("expected ',' or '}'");
    expect(scanTopLevel("[1]").error).toBeDefined();
  });
});
