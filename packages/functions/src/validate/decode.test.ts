import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DETECTION_HEAD_CHARS, decodeText, splitHead, UndecodableObjectError } from "./decode.js";

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function textOf(bytes: Uint8Array, key = "raw/x.csv", size = 5): Promise<string> {
  let text = "";
  for await (const chunk of decodeText(chunksOf(bytes, size), key)) text += chunk;
  return text;
}

describe("decodeText", () => {
  it("decodes UTF-8 split across chunk boundaries", async () => {
    const text = "symbol,date\nÄÖÜ,2024-01-02\n€€€\n";
    expect(await textOf(new TextEncoder().encode(text), "raw/x.csv", 1)).toBe(text);
  });

  it("reads ASCII chunks as they are, then decodes strictly from the first chunk that is not ASCII", async () => {
    const text = `${"AAPL,2024-01-02,1.5\n".repeat(50)}Zürich,€,ÄÖÜ\n${"x,y\n".repeat(50)}`;
    const bytes = new TextEncoder().encode(text);
    for (const size of [1, 2, 3, 7, 64, 4096]) expect(await textOf(bytes, "raw/x.csv", size)).toBe(text);
    // A character split right where the ASCII run ends: the decoder gets both halves.
    const split = new TextEncoder().encode("abc\u00e4def");
    const parts = [split.subarray(0, 3), split.subarray(3, 4), split.subarray(4)];
    let joined = "";
    for await (const chunk of decodeText(
      (async function* () {
        yield* parts;
      })(),
      "raw/x.csv",
    ))
      joined += chunk;
    expect(joined).toBe("abc\u00e4def");
  });

  it("rejects invalid UTF-8 that follows ASCII chunks", async () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode("a,b\n".repeat(100)), 0xff, 0x41]);
    const error = await textOf(bytes, "raw/x.csv", 16).catch((e) => e);
    expect(error).toBeInstanceOf(UndecodableObjectError);
    const truncated = Uint8Array.from([...new TextEncoder().encode("a,b\n".repeat(100)), 0xc3]);
    expect(await textOf(truncated, "raw/x.csv", 16).catch((e) => e)).toBeInstanceOf(UndecodableObjectError);
  });

  it("gunzips by magic bytes whatever the name", async () => {
    const text = "Date,Open\n2024-01-02,1\n".repeat(1000);
    expect(await textOf(gzipSync(text), "raw/no-extension", 100)).toBe(text);
  });

  it("keeps the BOM for the parser to drop", async () => {
    expect(await textOf(new TextEncoder().encode("\uFEFFa,b\n"))).toBe("\uFEFFa,b\n");
  });

  it("yields nothing for an empty object", async () => {
    expect(await textOf(new Uint8Array())).toBe("");
  });

  it("rejects a .gz name whose bytes are not gzip as file.decodable", async () => {
    const error = await textOf(new TextEncoder().encode("plain text, not gzip"), "raw/x.csv.gz").catch((e) => e);
    expect(error).toBeInstanceOf(UndecodableObjectError);
    expect((error as UndecodableObjectError).reject.rule).toBe("file.decodable");
    expect((error as UndecodableObjectError).message).toMatch(/not valid gzip/);
  });

  it("rejects a truncated gzip stream as file.decodable", async () => {
    const gz = gzipSync("a,b\n".repeat(10_000));
    const error = await textOf(gz.subarray(0, gz.length - 20), "raw/x.gz").catch((e) => e);
    expect(error).toBeInstanceOf(UndecodableObjectError);
  });

  it("rejects invalid UTF-8 (binary garbage) as file.decodable", async () => {
    const error = await textOf(Uint8Array.from([0x41, 0xff, 0xfe, 0x00, 0xc3, 0x28])).catch((e) => e);
    expect(error).toBeInstanceOf(UndecodableObjectError);
    expect((error as UndecodableObjectError).message).toMatch(/not UTF-8/);
  });

  it("passes a store failure through unchanged so it is retried", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield gzipSync("a,b\n".repeat(100)).subarray(0, 10);
      throw new Error("connection reset");
    }
    const error = await (async () => {
      for await (const _ of decodeText(failing(), "raw/x.gz")) void _;
    })().catch((e) => e);
    expect(error).not.toBeInstanceOf(UndecodableObjectError);
    expect((error as Error).message).toBe("connection reset");
  });
});

describe("splitHead", () => {
  it("gathers at least the detection head before the rest", async () => {
    async function* parts(): AsyncGenerator<string> {
      for (let i = 0; i < 100; i++) yield "x".repeat(1000);
    }
    const { head, rest } = await splitHead(parts());
    expect(head.length).toBeGreaterThanOrEqual(DETECTION_HEAD_CHARS);
    let remaining = 0;
    for await (const chunk of rest) remaining += chunk.length;
    expect(head.length + remaining).toBe(100_000);
  });
});
