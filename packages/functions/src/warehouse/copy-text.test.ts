import { describe, expect, it } from "vitest";
import { toCopyText } from "./copy-text.js";

describe("toCopyText", () => {
  it("writes tab-separated lines with \\N for null, t/f booleans and escaped text", () => {
    const text = toCopyText({
      rowCount: 2,
      columns: [
        ["raw/a\tb.csv", "c:\\data\nnext\r"],
        [1.5, Number.NaN],
        [true, null],
        ["9007199254740993", null],
      ],
    });
    expect(text).toBe("raw/a\\tb.csv\t1.5\tt\t9007199254740993\nc:\\\\data\\nnext\\r\tNaN\t\\N\t\\N\n");
  });

  it("writes nothing for an empty batch", () => {
    expect(toCopyText({ rowCount: 0, columns: [[], []] })).toBe("");
  });
});
