import { describe, expect, it } from "vitest";
import { CsvSplitter } from "./csv-split.js";
import { CHUNK_SIZES } from "./testing.js";

interface Split {
  records: { fields: string[]; raw: string }[];
  error: string | null;
}

function split(text: string, size = Number.POSITIVE_INFINITY, max = 1 << 20): Split {
  const splitter = new CsvSplitter(max);
  const records: Split["records"] = [];
  const sink = (src: string, starts: Int32Array, ends: Int32Array, count: number, raw: string) => {
    const fields: string[] = [];
    for (let i = 0; i < count; i++) fields.push(src.slice(starts[i], ends[i]));
    records.push({ fields, raw });
  };
  const step = Number.isFinite(size) ? size : Math.max(text.length, 1);
  for (let i = 0; i < text.length; i += step) {
    const error = splitter.push(text.slice(i, i + step), sink);
    if (error !== null) return { records, error };
  }
  return { records, error: splitter.end(sink) };
}

const fieldsOf = (text: string, size?: number) => split(text, size).records.map((r) => r.fields);

describe("CsvSplitter", () => {
  it("splits plain records on LF and CRLF, with or without a final line break", () => {
    const expected = [
      ["a", "b", "c"],
      ["1", "2", "3"],
    ];
    expect(fieldsOf("a,b,c\n1,2,3\n")).toEqual(expected);
    expect(fieldsOf("a,b,c\r\n1,2,3\r\n")).toEqual(expected);
    expect(fieldsOf("a,b,c\r\n1,2,3")).toEqual(expected);
  });

  it("reads quoted fields with commas, doubled quotes and line breaks", () => {
    const text = 'name,note\r\n"Smith, J","said ""hi"""\r\n"multi\nline",x\r\n';
    expect(fieldsOf(text)).toEqual([
      ["name", "note"],
      ["Smith, J", 'said "hi"'],
      ["multi\nline", "x"],
    ]);
  });

  it("keeps each record's raw text without its line break", () => {
    expect(split('a,"b,c"\r\nd,e\r\n').records.map((r) => r.raw)).toEqual(['a,"b,c"', "d,e"]);
  });

  it("reads empty fields, a quoted empty field and text after a closing quote", () => {
    expect(fieldsOf(',,\n"",x\n"a"b,c\n')).toEqual([
      ["", "", ""],
      ["", "x"],
      ["ab", "c"],
    ]);
  });

  it("skips blank and whitespace-only lines, including trailing ones", () => {
    expect(fieldsOf("a,b\n\n  \r\n1,2\n\n\r\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("strips a leading BOM", () => {
    expect(fieldsOf("\uFEFFa,b\n1,2\n")[0]).toEqual(["a", "b"]);
  });

  it("gives the same records whatever the chunk boundaries", () => {
    const text =
      '\uFEFFDate,"Note, with comma",Close\r\n2024-01-02,"a ""quoted""\r\nvalue",1.5\r\n2024-01-03,,2\r\n\r\n"x"';
    const whole = split(text);
    for (const size of [...CHUNK_SIZES, 2, 3, 5]) expect(split(text, size), `size ${size}`).toEqual(whole);
    expect(whole.records).toHaveLength(4);
  });

  it("grows for records with many fields", () => {
    const wide = Array.from({ length: 100 }, (_, i) => `f${i}`).join(",");
    expect(fieldsOf(`${wide}\n"${wide}",x\n`).map((f) => f.length)).toEqual([100, 2]);
    expect(fieldsOf(`x,${wide}\n"q",${wide}\n`).map((f) => f.length)).toEqual([101, 101]);
  });

  it("reports a quoted field that is never closed", () => {
    expect(split('a,b\n"open,1\n2,3\n').error).toMatch(/quoted field is never closed/);
  });

  it("reports a record longer than the limit (an unclosed quote in a big file)", () => {
    expect(split(`a,b\n"${"x".repeat(100)}`, 10, 50).error).toMatch(/longer than 50 characters/);
  });
});
