import { describe, expect, it } from "vitest";
import { jsonNumber, numberAt, toNumber } from "./numbers.js";

describe("numberAt", () => {
  it("reads plain decimals in place, exactly as Number() does", () => {
    const s = "x,137.4500,-0.5,4735016,0.1,123456789012345,y";
    const cells = s.split(",");
    let start = 0;
    for (const cell of cells.slice(0, -1)) {
      if (cell !== "x") expect(numberAt(s, start, start + cell.length)).toBe(Number(cell));
      start += cell.length + 1;
    }
  });

  it("agrees with Number() on many random prices", () => {
    for (let i = 0; i < 10_000; i++) {
      const text = (Math.random() * 10 ** (i % 9)).toFixed(i % 7);
      expect(numberAt(text, 0, text.length)).toBe(Number(text));
    }
  });

  it("hands exponents, signs, long mantissas and junk to the slow path", () => {
    for (const text of ["1e3", "+5", "1234567890123456789", "0.1234567890123456789", "12abc", "1.2.3", "-", "."]) {
      expect(numberAt(text, 0, text.length)).toBe(toNumber(text));
    }
  });

  it("reads an empty cell as NaN", () => {
    expect(numberAt("a,,b", 2, 2)).toBeNaN();
  });
});

describe("toNumber", () => {
  it("reads missing and non-numeric text as NaN", () => {
    for (const text of ["", "  ", "null", "NaN", "n/a", "1,234", "0x1A", "0b11", "0o7"])
      expect(toNumber(text)).toBeNaN();
  });

  it("keeps Infinity, trims whitespace and reads exponents", () => {
    expect(toNumber("Infinity")).toBe(Number.POSITIVE_INFINITY);
    expect(toNumber("-Infinity")).toBe(Number.NEGATIVE_INFINITY);
    expect(toNumber(" 12.5 ")).toBe(12.5);
    expect(toNumber("1e3")).toBe(1000);
    expect(toNumber("0")).toBe(0);
  });
});

describe("jsonNumber", () => {
  it("reads JSON numbers and numeric strings; null, booleans and objects are NaN", () => {
    expect(jsonNumber(1.5)).toBe(1.5);
    expect(jsonNumber("86.4900")).toBe(86.49);
    for (const value of [null, undefined, true, {}, [], ""]) expect(jsonNumber(value)).toBeNaN();
  });
});
