import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FolderObjectStore } from "../src/adapters/folder-object-store.js";
import { openLatestPriceStore } from "../src/adapters/pglite-latest-prices.js";
import { validateObject } from "../src/validate/validate-object.js";
import { dailyRows } from "./csv-fixtures.js";
import { snapshot } from "./factories.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const FILES = 60;
const LANDED = new Date("2024-07-01T09:00:00Z");
let work = "";
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** The same raw files, with the same mtime (so the same ingested_at and output keys), under `root/bucket/raw/`. */
async function dropFiles(root: string): Promise<void> {
  const rows = dailyRows(3000, Date.UTC(2000, 0, 3));
  for (let i = 0; i < FILES; i++) {
    const symbol = `SYM${i}`;
    const path = join(root, "bucket", "raw", "csv", `${symbol}.csv`);
    await mkdir(dirname(path), { recursive: true });
    const body = `Date,Open,High,Low,Close,Volume\n${rows.join("\n")}\n${i % 7 === 0 ? "2001-02-30,1,2,0.5,1,1\n" : ""}`;
    await writeFile(path, body);
    await utimes(path, LANDED, LANDED);
  }
}

function startRuntime(root: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/local.ts",
      "--root",
      root,
      "--port",
      "0",
      "--log-level",
      "SILENT",
      "--transform-every",
      "0",
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
}

async function reportCount(root: string): Promise<number> {
  const dir = join(root, "bucket", "reports", "validation");
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith(".json")).length;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A bucket snapshot without the run-dependent report times. */
async function comparable(root: string): Promise<Map<string, string>> {
  const files = await snapshot(join(root, "bucket"));
  for (const [key, text] of files) {
    if (!key.startsWith("reports/")) continue;
    const { started_at: _s, finished_at: _f, ...rest } = JSON.parse(text) as Record<string, unknown>;
    files.set(key, JSON.stringify(rest));
  }
  return files;
}

describe("offline runtime crash recovery", () => {
  it("ends with every object processed exactly as if nothing had happened after a kill -9 mid-batch", async () => {
    work = await mkdtemp(join(tmpdir(), "crash-"));
    const crashed = join(work, "crashed");
    const reference = join(work, "reference");
    await dropFiles(crashed);
    await dropFiles(reference);

    // The reference: every object validated once, in process, without interruption.
    const referenceObjects = new FolderObjectStore(join(reference, "bucket"));
    const referencePrices = await openLatestPriceStore(join(reference, "pglite"));
    for (let i = 0; i < FILES; i++) {
      await validateObject({ objects: referenceObjects, prices: referencePrices }, `raw/csv/SYM${i}.csv`);
    }

    const first = startRuntime(crashed);
    await waitFor(async () => (await reportCount(crashed)) >= 5, 120_000, "the first reports");
    first.kill("SIGKILL");
    await once(first, "exit");
    const doneBeforeCrash = await reportCount(crashed);
    expect(doneBeforeCrash).toBeLessThan(FILES);

    const second = startRuntime(crashed);
    let output = "";
    second.stderr?.on("data", (chunk) => {
      output += String(chunk);
    });
    await waitFor(async () => (await reportCount(crashed)) === FILES, 180_000, `all reports (stderr: ${output})`);
    second.kill("SIGTERM");
    const [code] = await once(second, "exit");
    expect(code).toBe(0);

    expect(await comparable(crashed)).toEqual(await comparable(reference));
    const crashedPrices = await openLatestPriceStore(join(crashed, "pglite"));
    expect(await crashedPrices.all()).toEqual(await referencePrices.all());
    expect((await crashedPrices.all()).length).toBe(FILES);
    await crashedPrices.close();
    await referencePrices.close();
  }, 300_000);
});
