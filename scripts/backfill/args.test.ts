import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseBackfillArgs, UsageError } from "./args.ts";
import { planFiles } from "./files.ts";
import { formatProgress } from "./progress.ts";

describe("parseBackfillArgs", () => {
  it("tells paths from provider pulls and applies defaults", () => {
    const args = parseBackfillArgs(["exports", "alphavantage:ibm,MSFT", "coingecko:BTC-USD", "--from", "2024-01-01"]);
    expect(args.targets).toEqual([
      { kind: "path", path: "exports" },
      { kind: "provider", provider: "alphavantage", symbols: ["IBM", "MSFT"] },
      { kind: "provider", provider: "coingecko", symbols: ["BTC-USD"] },
    ]);
    expect(args).toMatchObject({
      from: "2024-01-01",
      interval: "1d",
      dryRun: false,
      root: ".local",
      prefix: "raw/backfill/",
    });
    expect(parseBackfillArgs(["C:data.csv"]).targets).toEqual([{ kind: "path", path: "C:data.csv" }]);
  });

  it.each([
    [[], /name at least one/],
    [["x", "--bucket", "b", "--stage", "s"], /not both/],
    [["x", "--from", "2024-1-1"], /--from must be YYYY-MM-DD/],
    [["x", "--from", "2024-02-01", "--to", "2024-01-01"], /is after/],
    [["x", "--prefix", "curated/"], /must start with raw\//],
    [["x", "--concurrency", "0"], /whole number/],
    [["alphavantage:"], /name at least one symbol/],
    [["x", "--nope"], /Unknown option/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseBackfillArgs(argv)).toThrow(UsageError);
    expect(() => parseBackfillArgs(argv)).toThrow(message);
  });
});

describe("planFiles", () => {
  it("keeps a folder's layout under the prefix and leaves out what is not data", async () => {
    const dir = await mkdtemp(join(tmpdir(), "plan-"));
    try {
      const src = join(dir, "drop");
      await mkdir(join(src, "tz=US.Eastern"), { recursive: true });
      await mkdir(join(src, ".git"), { recursive: true });
      for (const name of ["a.csv", "tz=US.Eastern/b.json.gz", "c.JSONL", "notes.txt", ".git/x.json", ".hidden.csv"]) {
        await writeFile(join(src, name), "x");
      }
      await writeFile(join(dir, "single.ndjson"), "{}");
      const plan = await planFiles([src, join(dir, "single.ndjson")], "raw/backfill/");
      expect(plan.files.map((f) => f.key)).toEqual([
        "raw/backfill/drop/a.csv",
        "raw/backfill/drop/c.JSONL",
        "raw/backfill/drop/tz=US.Eastern/b.json.gz",
        "raw/backfill/single.ndjson",
      ]);
      expect(plan.ignored.map((i) => i.why).sort()).toEqual([
        "hidden",
        "hidden",
        "not CSV, JSON or JSON lines (.gz allowed)",
      ]);
      expect(plan.prefixes).toEqual(["raw/backfill/drop/", "raw/backfill/single.ndjson"]);
      await expect(planFiles([join(dir, "missing")], "raw/backfill/")).rejects.toThrow(/no such file or folder/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("formatProgress", () => {
  it("shows counts, bytes, outcomes, rate and what is left", () => {
    const line = formatProgress(
      "backfill",
      {
        total: 10_000,
        uploaded: 3_900,
        skipped: 100,
        failed: 0,
        bytesTotal: 3e6,
        bytesDone: 1.2e6,
        bytesUploaded: 1.1e6,
      },
      5_000,
    );
    expect(line).toBe(
      "backfill [########------------] 4,000/10,000 · 1.2/3.0 MB · 3,900 uploaded, 100 skipped, 0 failed · 800/s · ETA 8 s",
    );
  });
});
