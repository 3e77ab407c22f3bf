import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FolderObjectStore, InvalidObjectKeyError } from "./folder-object-store.js";
import { runObjectStoreContract } from "./object-store.contract.js";

const roots: string[] = [];
async function tmpRoot(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "folder-store-"));
  roots.push(dir);
  return dir;
}

describe("FolderObjectStore", () => {
  afterEach(async () => {
    await Promise.all(roots.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  runObjectStoreContract({ make: async () => new FolderObjectStore(await tmpRoot()) });

  let root: string;
  let store: FolderObjectStore;
  beforeEach(async () => {
    root = await tmpRoot();
    store = new FolderObjectStore(root);
  });

  it("maps a key to the file of the same path under the root", async () => {
    await store.put("raw/csv/AAPL.csv", "a,b\n");
    expect(await readdir(path.join(root, "raw", "csv"))).toEqual(["AAPL.csv"]);
  });

  it("gives the MD5 hex of the content as etag, like S3 single-part", async () => {
    await store.put("x.txt", "hello world");
    const md5 = createHash("md5").update("hello world").digest("hex");
    expect((await store.head("x.txt"))?.etag).toBe(md5);
    expect((await new FolderObjectStore(root).head("x.txt"))?.etag).toBe(md5); // computed, not only cached
  });

  it("sees a file changed behind its back (new size, mtime or inode)", async () => {
    await store.put("x.txt", "one");
    await store.head("x.txt");
    await writeFile(path.join(root, "x.txt"), "two!");
    expect((await store.head("x.txt"))?.etag).toBe(createHash("md5").update("two!").digest("hex"));
  });

  it("uses lastModified = the file's mtime", async () => {
    await store.put("x.txt", "one");
    const when = new Date("2024-03-01T12:00:00Z");
    await utimes(path.join(root, "x.txt"), when, when);
    expect((await store.head("x.txt"))?.lastModified.getTime()).toBe(when.getTime());
  });

  it.each([
    ["../outside.txt", "'..'"],
    ["raw/../../etc/passwd", "'..'"],
    ["/etc/passwd", "absolute"],
    ["", "empty"],
    ["raw//double", "empty or '.'"],
    ["raw/./x", "empty or '.'"],
    ["raw\\..\\x", "backslash"],
    ["raw/.put-0123456789abcdef.tmp", "reserved"],
  ])("rejects the key %j (%s)", async (key, reason) => {
    await expect(store.put(key, "x")).rejects.toThrow(InvalidObjectKeyError);
    await expect(store.head(key)).rejects.toThrow(reason);
    await expect(store.getBytes(key)).rejects.toThrow(InvalidObjectKeyError);
  });

  it("rejects a list prefix that escapes the root", async () => {
    const listing = async () => {
      for await (const _ of store.list("../")) break;
    };
    await expect(listing()).rejects.toThrow(InvalidObjectKeyError);
  });

  it("leaves no temp file behind and lists none while a put is in flight", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* body(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode("first part ");
      await gate;
      yield new TextEncoder().encode("second part");
    }
    const writing = store.put("out/result.jsonl", body());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await readdir(path.join(root, "out"))).some((n) => n.endsWith(".tmp"))).toBe(true);
    const listed: string[] = [];
    for await (const info of store.list("")) listed.push(info.key);
    expect(listed).toEqual([]);
    release();
    await writing;
    expect(await readdir(path.join(root, "out"))).toEqual(["result.jsonl"]);
  });

  it("removes the temp file when the body fails midway, and keeps the old object", async () => {
    await store.put("out/r.jsonl", "old");
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode("partial");
      throw new Error("upstream broke");
    }
    await expect(store.put("out/r.jsonl", failing())).rejects.toThrow("upstream broke");
    expect(await readdir(path.join(root, "out"))).toEqual(["r.jsonl"]);
    expect(new TextDecoder().decode(await store.getBytes("out/r.jsonl"))).toBe("old");
  });

  it("removes temp files abandoned by a killed writer, and nothing else", async () => {
    await store.put("curated/a.jsonl.gz", "kept");
    await writeFile(path.join(root, "curated", ".put-0123456789abcdef.tmp"), "half");
    await writeFile(path.join(root, ".put-fedcba9876543210.tmp"), "half");
    expect(await store.removeAbandonedTempFiles()).toBe(2);
    expect(await readdir(path.join(root, "curated"))).toEqual(["a.jsonl.gz"]);
    expect(await store.removeAbandonedTempFiles()).toBe(0);
  });

  it("leaves no temp file behind when putIfAbsent wins or loses", async () => {
    expect(await store.putIfAbsent("raw/p/a.json", "first")).toBe(true);
    expect(await store.putIfAbsent("raw/p/a.json", "second")).toBe(false);
    expect(await readdir(path.join(root, "raw", "p"))).toEqual(["a.json"]);
  });

  it("refuses putIfAbsent on a key that names a folder of keys instead of calling it present", async () => {
    await store.put("raw/p/a.json", "x");
    await expect(store.putIfAbsent("raw/p", "y")).rejects.toThrow(InvalidObjectKeyError);
  });

  it("treats a folder as no object", async () => {
    await store.put("a/b/c.txt", "x");
    expect(await store.head("a/b")).toBeUndefined();
    expect(await store.getBytes("a/b")).toBeUndefined();
    await expect(store.getStream("a")).rejects.toMatchObject({ code: "OBJECT_NOT_FOUND" });
  });
});
