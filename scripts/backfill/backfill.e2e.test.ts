import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LatestPrice, LatestPriceStore } from "@market-data/core/ports";
import { afterAll, describe, expect, it } from "vitest";
import { mapConcurrent } from "../../packages/functions/src/adapters/concurrency.ts";
import { FolderObjectStore } from "../../packages/functions/src/adapters/folder-object-store.ts";
import { validateObject } from "../../packages/functions/src/validate/validate-object.ts";
import type { ManifestLine } from "./summary.ts";

// `npm run backfill` of a 10,000-file folder into the offline bucket, as a real child process: killed (kill -9)
// mid-way, run again, and then every uploaded object validated. Small files, so the test is about the mechanics.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../..");
const FILES = 10_000;
let work = "";
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** 100 folders of 100 three-bar CSVs each; the symbol is the file name. */
async function writeFiles(src: string): Promise<Map<string, string>> {
  const md5s = new Map<string, string>();
  for (let d = 0; d < 100; d++) {
    const dir = join(src, `batch${String(d).padStart(3, "0")}`);
    await mkdir(dir, { recursive: true });
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const n = d * 100 + i;
        const name = `S${String(n).padStart(5, "0")}.csv`;
        const body =
          "Date,Open,High,Low,Close,Volume\n" +
          `2024-06-24,10,11,9,10.5,${1000 + n}\n2024-06-25,10.5,11.5,10,11,${2000 + n}\n2024-06-26,11,12,10.5,11.5,${3000 + n}\n`;
        await writeFile(join(dir, name), body);
        md5s.set(`raw/backfill/src/batch${String(d).padStart(3, "0")}/${name}`, md5(body));
      }),
    );
  }
  return md5s;
}

function md5(data: string | Uint8Array): string {
  return createHash("md5").update(data).digest("hex");
}

function backfill(...args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/backfill.ts", ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    err += String(chunk);
  });
  return { child, stdout: () => out, stderr: () => err };
}

/** Every file of the bucket under raw/ (temp files of a killed put included: they must never be objects). */
async function rawFiles(bucket: string): Promise<string[]> {
  const names = await readdir(join(bucket, "raw"), { recursive: true, withFileTypes: true }).catch(() => []);
  return names.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Latest prices in a Map: the embedded Postgres store costs more than half of validating a tiny file, and its own
 * behaviour is tested elsewhere; here only "was every file validated" matters.
 */
class MemoryPrices implements LatestPriceStore {
  readonly symbols = new Map<string, LatestPrice>();
  async upsert(prices: readonly LatestPrice[]): Promise<void> {
    for (const price of prices) this.symbols.set(price.symbol, price);
  }
  async get(symbols: readonly string[]): Promise<LatestPrice[]> {
    return symbols.flatMap((s) => this.symbols.get(s) ?? []);
  }
  async all(): Promise<LatestPrice[]> {
    return [...this.symbols.values()];
  }
}

describe("npm run backfill", () => {
  it("uploads a 10,000-file folder with progress, resumes after kill -9 without duplicates or gaps, and every file is validated", async () => {
    work = await mkdtemp(join(tmpdir(), "backfill-"));
    const src = join(work, "src");
    const root = join(work, "local");
    const bucket = join(root, "bucket");
    const expected = await writeFiles(src);

    // 1. Interrupted: killed once the progress line shows a good share done.
    const first = backfill(src, "--root", root, "--progress-ms", "50", "--concurrency", "2");
    const progressAt = /\] ([\d,]+)\/10,000 · [\d.]+\/1\.\d MB · ([\d,]+) uploaded, ([\d,]+) skipped, ([\d,]+) failed/g;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const done = [...first.stderr().matchAll(progressAt)].map((m) => Number(m[1]?.replace(/,/g, "")));
        if (done.some((n) => n >= 1_500)) {
          first.child.kill("SIGKILL");
          resolve();
        }
      };
      first.child.stderr?.on("data", check);
      first.child.once("exit", () => reject(new Error(`the first run ended before it was killed:\n${first.stderr()}`)));
    });
    await once(first.child, "exit");
    const progressLines = first
      .stderr()
      .split("\n")
      .filter((line) => progressAt.test(line));
    expect(progressLines.length).toBeGreaterThanOrEqual(2);
    const objects = new FolderObjectStore(bucket);
    const landed = new Set<string>();
    for await (const info of objects.list("raw/")) landed.add(info.key);
    expect(landed.size).toBeGreaterThan(0);
    expect(landed.size).toBeLessThan(FILES);

    // 2. The same command again: only the rest is uploaded.
    const second = backfill(src, "--root", root, "--progress-ms", "500");
    const [code] = await once(second.child, "exit");
    expect(code, second.stderr()).toBe(0);
    const summary = /(\d+) object\(s\) → .*: (\d+) uploaded, (\d+) already there, (\d+) failed/.exec(second.stdout());
    expect(summary?.slice(1).map(Number)).toEqual([FILES, FILES - landed.size, landed.size, 0]);

    // Nothing duplicated, nothing missed, nothing half-written: exactly the source files, byte for byte.
    const keys = new Map<string, string>();
    for await (const info of objects.list("raw/")) keys.set(info.key, info.etag);
    expect(keys).toEqual(expected);
    expect((await rawFiles(bucket)).filter((f) => !f.endsWith(".csv"))).toEqual(
      (await rawFiles(bucket)).filter((f) => /\.put-[0-9a-f]{16}\.tmp$/.test(f)),
    );

    // 3. Every file validated, and each report where the manifest said it would be.
    const manifestPath = /manifest: (\S+)/.exec(second.stdout())?.[1] ?? "";
    const manifest = (await readFile(manifestPath, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as ManifestLine);
    expect(manifest).toHaveLength(FILES);
    const prices = new MemoryPrices();
    const outcomes = await mapConcurrent([...keys.keys()], 8, (key) => validateObject({ objects, prices }, key));
    expect(outcomes.filter((o) => o.status === "processed" && o.report.success)).toHaveLength(FILES);
    const reportKeys = new Set(outcomes.map((o) => (o.status === "processed" ? o.reportKey : "")));
    expect(manifest.filter((line) => reportKeys.has(line.report))).toHaveLength(FILES);
    expect(prices.symbols.size).toBe(FILES);
  }, 240_000);
});
