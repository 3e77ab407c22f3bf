import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { FolderObjectStore } from "../adapters/folder-object-store.js";
import { JsonlGzipWriter } from "./jsonl-gzip-writer.js";

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

async function store(): Promise<FolderObjectStore> {
  const root = await mkdtemp(path.join(tmpdir(), "jsonl-gzip-"));
  roots.push(root);
  return new FolderObjectStore(root);
}

describe("JsonlGzipWriter", () => {
  it("stores exactly the lines written, across many chunks, reused chunks and a line longer than a chunk", async () => {
    const objects = await store();
    const writer = new JsonlGzipWriter(objects, "curated/x.jsonl.gz");
    const encoder = new TextEncoder();
    let expected = "";
    for (let i = 0; i < 60_000; i++) {
      // Every line differs, so a chunk handed back to the writer too early would show as corrupted lines.
      const line =
        i % 1000 === 0
          ? `{"i":${i},"text":"Zürich € ${"y".repeat(i % 7)}"}`
          : `{"i":${i},"pad":"${"x".repeat(i % 50)}"}`;
      if (i % 2 === 0) {
        writer.writeLine(line);
      } else {
        // Bytes written straight into the chunk, as CuratedLineEncoder does.
        const bytes = encoder.encode(`${line}\n`);
        writer.reserve(bytes.length);
        writer.bytes.set(bytes, writer.pos);
        writer.pos += bytes.length;
      }
      expected += `${line}\n`;
      if (writer.mustFlush) await writer.flush();
    }
    const long = `{"long":"${"z".repeat(3 * 1024 * 1024)}"}`;
    writer.writeLine(long);
    expected += `${long}\n`;
    writer.writeLine("last");
    expected += "last\n";
    await writer.close();
    const stored = await objects.getBytes("curated/x.jsonl.gz");
    expect(stored).toBeDefined();
    expect(gunzipSync(stored as Uint8Array).toString("utf8")).toBe(expected);
  });

  it("stores nothing when aborted", async () => {
    const objects = await store();
    const writer = new JsonlGzipWriter(objects, "curated/y.jsonl.gz");
    writer.writeLine('{"a":1}');
    writer.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await objects.head("curated/y.jsonl.gz")).toBeUndefined();
  });
});
