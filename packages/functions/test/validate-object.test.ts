import { gzipSync } from "node:zlib";
import { keys } from "@market-data/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ValidateDeps, validateObject } from "../src/validate/validate-object.js";
import { symbolCsv } from "./csv-fixtures.js";
import { jsonLines, jsonObject, makeBucket, snapshot } from "./factories.js";

type Bucket = Awaited<ReturnType<typeof makeBucket>>;
let bucket: Bucket;
let deps: ValidateDeps;
const NOW = Date.parse("2024-07-01T12:00:00Z");

beforeEach(async () => {
  bucket = await makeBucket();
  deps = { objects: bucket.objects, prices: bucket.prices, now: () => NOW };
});
afterEach(async () => bucket.cleanup());

async function validate(key: string, body: string | Uint8Array) {
  await bucket.objects.put(key, body);
  const outcome = await validateObject(deps, key);
  if (outcome.status !== "processed") throw new Error(`expected the object to be processed, got ${outcome.reason}`);
  return outcome;
}

/** Every record is in curated or quarantine, and the report's counts add up. */
async function expectNothingLost(outcome: Awaited<ReturnType<typeof validate>>) {
  const { report } = outcome;
  const s = report.statistics;
  expect(s.evaluated).toBe(s.passed + s.rejected);
  let curated = 0;
  for (const key of report.outputs.curated) curated += (await jsonLines(bucket.objects, key)).length;
  let quarantined = 0;
  for (const key of report.outputs.quarantine) quarantined += (await jsonLines(bucket.objects, key)).length;
  if (report.file_reject) {
    expect(curated).toBe(0);
    expect(report.outputs.quarantine_file).toBe(keys.quarantineFile(outcome.objectId));
  } else {
    expect(curated).toBe(s.passed - s.deduplicated);
  }
  expect(quarantined).toBe(report.file_reject?.rule === "file.rejection_rate" ? s.rejected : s.rejected);
}

async function quarantineReasons(outcome: Awaited<ReturnType<typeof validate>>) {
  const lines = [];
  for (const key of outcome.report.outputs.quarantine) lines.push(...(await jsonLines(bucket.objects, key)));
  return lines as { row: number; reasons: { rule: string; reason: string }[]; input: unknown }[];
}

describe("validateObject — good input", () => {
  it("curates every record of a clean CSV, with lineage, and leaves the transform its work", async () => {
    const outcome = await validate("raw/csv/prices.csv", symbolCsv(50));
    expect(outcome.report.success).toBe(true);
    expect(outcome.report.statistics).toMatchObject({ evaluated: 50, passed: 50, rejected: 0 });
    const [curatedKey] = outcome.report.outputs.curated;
    expect(curatedKey).toMatch(/^curated\/interval=1d\/date=\d{4}-\d{2}-\d{2}\/prices-csv-[0-9a-f]{16}\.jsonl\.gz$/);
    const bars = await jsonLines(bucket.objects, curatedKey ?? "");
    expect(bars).toHaveLength(50);
    expect(bars[0]).toMatchObject({
      symbol: "AAPL",
      interval: "1d",
      ts: "2024-01-02T00:00:00Z",
      trade_date: "2024-01-02",
      open: 100,
      source: "csv",
      source_key: "raw/csv/prices.csv",
      asset_class: "equity",
    });
    const marker = await jsonObject(bucket.objects, keys.dirty(outcome.objectId));
    expect(marker).toMatchObject({
      raw_key: "raw/csv/prices.csv",
      curated: [curatedKey],
      entries: [{ symbol: "AAPL", interval: "1d", earliest_ts: "2024-01-02T00:00:00Z", rows: 50 }],
    });
    const [latest] = await bucket.prices.get(["AAPL"]);
    expect(latest?.ts).toBe(bars[49]?.ts);
    await expectNothingLost(outcome);
  });

  it("accepts a UTF-8 BOM and CRLF line ends", async () => {
    const outcome = await validate("raw/csv/bom.csv", `\uFEFF${symbolCsv(30, [], "\r\n")}`);
    expect(outcome.report.statistics).toMatchObject({ evaluated: 30, passed: 30 });
    const bars = await jsonLines(bucket.objects, outcome.report.outputs.curated[0] ?? "");
    expect(bars[0]?.symbol).toBe("AAPL");
    expect(bars[29]?.volume).toBe(1029);
  });

  it("gunzips a gzip object", async () => {
    const outcome = await validate("raw/csv/prices.csv.gz", gzipSync(symbolCsv(40)));
    expect(outcome.report.statistics.passed).toBe(40);
  });

  it("curates a 1,000,000-row file and its counts add up", async () => {
    const header = "symbol,date,open,high,low,close,volume\n";
    const symbols = 500;
    const lines: string[] = [header];
    for (let day = 0; day < 2000; day++) {
      const date = new Date(Date.UTC(2010, 0, 4) + day * 86_400_000).toISOString().slice(0, 10);
      for (let s = 0; s < symbols; s++) lines.push(`S${s},${date},10,11,9,10.5,100\n`);
    }
    const outcome = await validate("raw/csv/million.csv", lines.join(""));
    const s = outcome.report.statistics;
    expect(s.evaluated).toBe(1_000_000);
    expect(s.passed).toBe(1_000_000);
    await expectNothingLost(outcome);
  }, 120_000);
});

describe("validateObject — whole-file rejects keep nothing in curated and say why", () => {
  const throttle = JSON.stringify({
    Note: "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day.",
  });
  const truncated = `{"Meta Data": {"2. Symbol": "IBM", "5. Time Zone": "US/Eastern"}, "Time Series (Daily)": {"2024-01-02": {"1. open": "1"`;
  const cases: [string, string, string | Uint8Array, string][] = [
    ["an empty file", "raw/csv/empty.csv", "", "file.format_known"],
    ["truncated JSON", "raw/alphavantage/IBM.json", truncated, "file.decodable"],
    ["binary garbage", "raw/csv/garbage.csv", Uint8Array.from([0x00, 0xff, 0x13, 0x88, 0xfe, 0x01]), "file.decodable"],
    ["a .gz name over plain bytes", "raw/csv/AAPL.csv.gz", symbolCsv(5), "file.decodable"],
    ["a corrupt gzip stream", "raw/csv/AAPL.csv", gzipSync(symbolCsv(2000)).subarray(0, 500), "file.decodable"],
    ["a header-only CSV", "raw/csv/AAPL.csv", "Date,Open,High,Low,Close,Adj Close,Volume\n", "file.row_count"],
    ["an Alpha Vantage throttle payload", "raw/alphavantage/throttle.json", throttle, "file.not_provider_error"],
  ];
  it.each(cases)("quarantines %s with its reason", async (_name, key, body, rule) => {
    const outcome = await validate(key, body);
    expect(outcome.report.success).toBe(false);
    expect(outcome.report.file_reject?.rule).toBe(rule);
    const note = await jsonObject(bucket.objects, keys.quarantineFile(outcome.objectId));
    expect(note).toMatchObject({ raw_key: key, rule });
    expect(String(note.reason).length).toBeGreaterThan(10);
    expect(await bucket.objects.head(keys.dirty(outcome.objectId))).toBeUndefined();
    expect(await bucket.prices.all()).toEqual([]);
    // The raw object is untouched.
    expect(Buffer.from((await bucket.objects.getBytes(key)) ?? new Uint8Array())).toEqual(Buffer.from(body));
    const curated = await snapshot(bucket.root, "curated");
    expect(curated.size).toBe(0);
  });

  it("quarantines the whole object when more than 5 % of records fail, and withdraws its curated records", async () => {
    const bad = Array.from({ length: 10 }, (_, i) => `AAPL,2023-06-${String(i + 10).padStart(2, "0")},-1,2,1,1,5`);
    const outcome = await validate("raw/csv/mostly-bad.csv", symbolCsv(90, bad));
    expect(outcome.report.file_reject?.rule).toBe("file.rejection_rate");
    expect(outcome.report.outputs.curated).toEqual([]);
    expect((await snapshot(bucket.root, "curated")).size).toBe(0);
    expect(await bucket.prices.all()).toEqual([]);
    expect((await quarantineReasons(outcome)).length).toBe(10);
  });
});

describe("validateObject — bad records are quarantined with reasons, the rest curated", () => {
  const cases: [string, string, string][] = [
    ["a NaN close", "AAPL,2023-01-03,1,2,0.5,NaN,10", "price.present"],
    ["an Infinity high", "AAPL,2023-01-03,1,Infinity,0.5,1,10", "price.present"],
    ["an empty open", "AAPL,2023-01-03,,2,0.5,1,10", "price.present"],
    ["a negative price", "AAPL,2023-01-03,-1,2,0.5,1,10", "price.positive"],
    ["a zero price", "AAPL,2023-01-03,1,2,0,1,10", "price.positive"],
    ["high below low", "AAPL,2023-01-03,1,0.5,2,1,10", "ohlc.high_bounds"],
    ["a future timestamp", "AAPL,2031-01-03,1,2,0.5,1,10", "ts.not_future"],
    ["a pre-1970 timestamp", "AAPL,1969-12-01,1,2,0.5,1,10", "ts.plausible"],
    ["a fractional volume", "AAPL,2023-01-03,1,2,0.5,1,10.5", "volume.valid"],
    ["a symbol carrying SQL", "AAPL'); DROP TABLE bars;--,2023-01-03,1,2,0.5,1,10", "symbol.format"],
    ["a symbol carrying HTML", "<script>alert(1)</script>,2023-01-03,1,2,0.5,1,10", "symbol.format"],
  ];
  it.each(cases)("quarantines %s", async (_name, line, rule) => {
    const outcome = await validate("raw/csv/mixed.csv", symbolCsv(60, [line]));
    expect(outcome.report.success).toBe(true);
    expect(outcome.report.statistics).toMatchObject({ evaluated: 61, passed: 60, rejected: 1 });
    const [rejected] = await quarantineReasons(outcome);
    expect(rejected?.row).toBe(61);
    expect(rejected?.reasons.map((r) => r.rule)).toContain(rule);
    expect(rejected?.input).toBe(line);
    await expectNothingLost(outcome);
    // The hostile symbol never reaches the latest-price store.
    expect((await bucket.prices.all()).map((p) => p.symbol)).toEqual(["AAPL"]);
  });

  it("rejects both records of a key with conflicting values and curates neither", async () => {
    const outcome = await validate(
      "raw/csv/conflict.csv",
      symbolCsv(60, ["MSFT,2023-01-03,1,2,0.5,1,10", "MSFT,2023-01-03,1,2,0.5,1.5,10"]),
    );
    expect(outcome.report.statistics).toMatchObject({ evaluated: 62, passed: 60, rejected: 2 });
    const rejected = await quarantineReasons(outcome);
    expect(rejected.map((r) => r.row).sort()).toEqual([61, 62]);
    for (const record of rejected) expect(record.reasons[0]?.rule).toBe("key.unique_conflict");
    const bars = await jsonLines(bucket.objects, outcome.report.outputs.curated[0] ?? "");
    expect(bars.some((bar) => bar.symbol === "MSFT")).toBe(false);
    await expectNothingLost(outcome);
  });

  it("keeps one of two exact duplicates and warns", async () => {
    const outcome = await validate(
      "raw/csv/dupe.csv",
      symbolCsv(60, ["MSFT,2023-01-03,1,2,0.5,1,10", "MSFT,2023-01-03,1,2,0.5,1,10"]),
    );
    expect(outcome.report.statistics).toMatchObject({ evaluated: 62, passed: 62, rejected: 0, deduplicated: 1 });
    const bars = await jsonLines(bucket.objects, outcome.report.outputs.curated[0] ?? "");
    expect(bars.filter((bar) => bar.symbol === "MSFT")).toHaveLength(1);
    await expectNothingLost(outcome);
  });
});

describe("validateObject — idempotence and ordering", () => {
  it("leaves the same objects and rows when the same object is validated twice", async () => {
    await bucket.objects.put("raw/csv/prices.csv", symbolCsv(40, ["AAPL,2023-01-03,-1,2,0.5,1,10"]));
    const first = await validateObject(deps, "raw/csv/prices.csv");
    const before = await snapshot(bucket.root);
    const pricesBefore = await bucket.prices.all();
    const second = await validateObject(deps, "raw/csv/prices.csv");
    expect(first.status).toBe("processed");
    expect(second).toMatchObject({ status: "skipped", reason: "already-processed" });
    expect(await snapshot(bucket.root)).toEqual(before);
    expect(await bucket.prices.all()).toEqual(pricesBefore);
  });

  it("redoes a half-processed object (no report yet) to exactly the same outputs", async () => {
    await bucket.objects.put("raw/csv/prices.csv", symbolCsv(40, ["AAPL,2023-01-03,-1,2,0.5,1,10"]));
    const first = await validateObject(deps, "raw/csv/prices.csv");
    if (first.status !== "processed") throw new Error("expected processing");
    const before = await snapshot(bucket.root);
    await bucket.objects.delete(first.reportKey); // as if the process died before writing the report
    await validateObject(deps, "raw/csv/prices.csv");
    expect(await snapshot(bucket.root)).toEqual(before);
  });

  it("never moves the latest price backwards when an older file arrives after a newer one", async () => {
    await validate("raw/csv/new.csv", symbolCsv(40));
    const newest = (await bucket.prices.get(["AAPL"]))[0];
    await validate("raw/csv/old.csv", `symbol,date,open,high,low,close,volume\nAAPL,2020-01-02,5,6,4,5,10\n`);
    expect((await bucket.prices.get(["AAPL"]))[0]).toEqual(newest);
  });

  it("skips an object that no longer exists", async () => {
    expect(await validateObject(deps, "raw/csv/gone.csv")).toMatchObject({ status: "skipped", reason: "not-found" });
  });
});
