import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { ObjectInfo, ObjectStore } from "@market-data/core/ports";
import { ObjectNotFoundError } from "@market-data/core/ports";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/** How a suite gets a store: a fresh one per test (a folder in a tmp dir, a moto bucket) and its cleanup. */
export interface ObjectStoreContractOptions {
  make: () => ObjectStore | Promise<ObjectStore>;
  destroy?: (store: ObjectStore) => void | Promise<void>;
}

/** The behaviour every `ObjectStore` must show, run against each adapter (Hono's `common.case.test.ts` pattern). */
export function runObjectStoreContract({ make, destroy }: ObjectStoreContractOptions): void {
  describe("ObjectStore contract", () => {
    let store: ObjectStore;
    // Every test writes under its own prefix, so a shared bucket cannot leak one test into another.
    let base: string;

    beforeEach(async () => {
      store = await make();
      base = `contract-${randomBytes(6).toString("hex")}/`;
    });
    afterEach(async () => {
      await destroy?.(store);
    });

    it("round-trips bytes, strings and streams", async () => {
      const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
      await store.put(`${base}bytes.bin`, bytes);
      await store.put(`${base}text.csv`, "symbol,close\nAAPL,1.5\n", { contentType: "text/csv" });
      await store.put(`${base}stream.jsonl`, chunked(["a", "b", "c"].map((s) => `${s.repeat(70_000)}\n`)));

      expect([...((await store.getBytes(`${base}bytes.bin`)) ?? [])]).toEqual([...bytes]);
      expect(text(await store.getBytes(`${base}text.csv`))).toBe("symbol,close\nAAPL,1.5\n");
      const { info, body } = await store.getStream(`${base}stream.jsonl`);
      const streamed = await collect(body);
      expect(streamed.length).toBe(210_003);
      expect(info.size).toBe(210_003);
      expect(
        text(streamed)
          .split("\n")
          .map((l) => l[0]),
      ).toEqual(["a", "b", "c", undefined]);
    });

    it("heads an object: size, a stable etag that changes with content, a recent lastModified", async () => {
      const key = `${base}head.txt`;
      const before = Date.now();
      await store.put(key, "hello");
      const first = await store.head(key);
      expect(first).toMatchObject({ key, size: 5 });
      expect(first?.etag).toMatch(/^[^"]+$/);
      expect(first?.lastModified).toBeInstanceOf(Date);
      expect(first?.lastModified.getTime()).toBeGreaterThan(before - 5_000);
      expect((await store.head(key))?.etag).toBe(first?.etag);
      expect((await store.getStream(key)).info).toEqual(first);

      await store.put(key, "hellp");
      const second = await store.head(key);
      expect(second?.size).toBe(5);
      expect(second?.etag).not.toBe(first?.etag);
    });

    it("gives the same etag to the same content under another key", async () => {
      await store.put(`${base}one`, "same bytes");
      await store.put(`${base}two`, new TextEncoder().encode("same bytes"));
      expect((await store.head(`${base}one`))?.etag).toBe((await store.head(`${base}two`))?.etag);
    });

    it("overwrites a key in place", async () => {
      await store.put(`${base}k.json`, '{"v":1}');
      await store.put(`${base}k.json`, '{"v":2}');
      expect(text(await store.getBytes(`${base}k.json`))).toBe('{"v":2}');
      expect(await keysOf(store.list(base))).toEqual([`${base}k.json`]);
    });

    it("answers a missing key with undefined, ObjectNotFoundError, and a quiet delete", async () => {
      const key = `${base}missing/nothing.csv`;
      expect(await store.head(key)).toBeUndefined();
      expect(await store.getBytes(key)).toBeUndefined();
      await expect(store.getStream(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.getStream(key)).rejects.toMatchObject({ code: "OBJECT_NOT_FOUND", key });
      await store.delete(key);
    });

    it("deletes an object", async () => {
      await store.put(`${base}gone.txt`, "x");
      await store.delete(`${base}gone.txt`);
      expect(await store.head(`${base}gone.txt`)).toBeUndefined();
      expect(await keysOf(store.list(base))).toEqual([]);
    });

    it("lists every object under a prefix in key order, the prefix need not end at a slash", async () => {
      const keys = [
        "reports/validation/date=2024-01-02/b.json",
        "reports/validation/date=2024-01-01/z.json",
        "reports/validation/date=2024-01-01/a.json",
        "reports/validation/date=2024-01-01.json",
        "reports/validation/date=2024-01-01/sub/deep.json",
        "reports/other.json",
        "raw/csv/AAPL.csv",
      ].map((k) => base + k);
      for (const key of keys) await store.put(key, key);

      const all = await keysOf(store.list(base));
      expect(all).toEqual([...keys].sort(byUtf8));
      expect(await keysOf(store.list(`${base}reports/validation/date=2024-01-01/`))).toEqual([
        `${base}reports/validation/date=2024-01-01/a.json`,
        `${base}reports/validation/date=2024-01-01/sub/deep.json`,
        `${base}reports/validation/date=2024-01-01/z.json`,
      ]);
      expect(await keysOf(store.list(`${base}reports/validation/date=2024-01-0`))).toEqual([
        `${base}reports/validation/date=2024-01-01.json`,
        `${base}reports/validation/date=2024-01-01/a.json`,
        `${base}reports/validation/date=2024-01-01/sub/deep.json`,
        `${base}reports/validation/date=2024-01-01/z.json`,
        `${base}reports/validation/date=2024-01-02/b.json`,
      ]);
      expect(await keysOf(store.list(`${base}reports/o`))).toEqual([`${base}reports/other.json`]);
      expect(await keysOf(store.list(`${base}nothing/here/`))).toEqual([]);
    });

    it("lists objects with their size and etag, as head gives them", async () => {
      await store.put(`${base}x/1.txt`, "one");
      const [listed] = await collectInfos(store.list(`${base}x/`));
      const headed = await store.head(`${base}x/1.txt`);
      expect(listed).toMatchObject({ key: `${base}x/1.txt`, size: 3, etag: headed?.etag });
    });

    it("keeps keys with spaces and unicode exactly", async () => {
      const keys = [`${base}raw/csv/my file.csv`, `${base}raw/csv/Ünïcödé 株式 €.csv`, `${base}raw/csv/emoji 📈.csv`];
      for (const key of keys) await store.put(key, `content of ${key}`);
      for (const key of keys) {
        expect(text(await store.getBytes(key))).toBe(`content of ${key}`);
        expect((await store.head(key))?.key).toBe(key);
      }
      expect(await keysOf(store.list(`${base}raw/csv/`))).toEqual([...keys].sort(byUtf8));
    });

    it("creates an object with putIfAbsent only when the key is free, and never replaces one", async () => {
      const key = `${base}raw/alphavantage/IBM-20240701T000000Z.json`;
      expect(await store.putIfAbsent(key, '{"v":1}', { contentType: "application/json" })).toBe(true);
      expect(await store.putIfAbsent(key, '{"v":2}')).toBe(false);
      expect(await store.putIfAbsent(key, new TextEncoder().encode('{"v":3}'))).toBe(false);
      expect(text(await store.getBytes(key))).toBe('{"v":1}');

      await store.put(`${base}raw/put-first.json`, "by put");
      expect(await store.putIfAbsent(`${base}raw/put-first.json`, "by putIfAbsent")).toBe(false);
      expect(text(await store.getBytes(`${base}raw/put-first.json`))).toBe("by put");

      await store.delete(key);
      expect(await store.putIfAbsent(key, "again")).toBe(true);
      expect(text(await store.getBytes(key))).toBe("again");
      expect(await keysOf(store.list(`${base}raw/`))).toEqual([
        `${base}raw/alphavantage/IBM-20240701T000000Z.json`,
        `${base}raw/put-first.json`,
      ]);
    });

    it("lets exactly one of racing putIfAbsent callers create the object, whose body stays whole", async () => {
      for (let round = 0; round < 5; round++) {
        const key = `${base}race/${round}.json`;
        const bodies = Array.from({ length: 8 }, (_, i) => `${`writer ${i} `.repeat(2_000)}\n`);
        const created = await Promise.all(bodies.map((body) => store.putIfAbsent(key, body)));
        expect(created.filter(Boolean)).toHaveLength(1);
        expect(text(await store.getBytes(key))).toBe(bodies[created.indexOf(true)]);
      }
      expect(await keysOf(store.list(`${base}race/`))).toHaveLength(5);
    });

    it("never lets a reader see a partly written object", async () => {
      const key = `${base}atomic.jsonl`;
      const oldBody = "old\n".repeat(50_000);
      const newParts = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(3, "0")}\n`.repeat(10_000));
      const newBody = newParts.join("");
      await store.put(key, oldBody);

      let done = false;
      const writing = store.put(key, slowly(newParts, 5)).finally(() => {
        done = true;
      });
      const seen = new Set<string>();
      while (!done) {
        const now = text(await store.getBytes(key));
        expect(now === oldBody || now === newBody).toBe(true);
        seen.add(now === oldBody ? "old" : "new");
        await sleep(2);
      }
      await writing;
      expect(seen.has("old")).toBe(true); // the reads really overlapped the write
      expect(text(await store.getBytes(key))).toBe(newBody);
      expect(await keysOf(store.list(base))).toEqual([key]);
    });
  });
}

async function* chunked(parts: readonly string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function* slowly(parts: readonly string[], ms: number): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await sleep(ms);
    yield new TextEncoder().encode(part);
  }
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function collectInfos(infos: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of infos) out.push(info);
  return out;
}

async function keysOf(infos: AsyncIterable<ObjectInfo>): Promise<string[]> {
  return (await collectInfos(infos)).map((i) => i.key);
}

function text(bytes: Uint8Array | undefined): string {
  if (bytes === undefined) throw new Error("expected an object, found none");
  return new TextDecoder().decode(bytes);
}

function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
