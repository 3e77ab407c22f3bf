import { dayOf, isNyseTradingDay, isWeekend } from "@market-data/core/calendar";
import { describe, expect, it } from "vitest";
import { FILE_DEFECT_KINDS, type FormatName, generateSamples, OptionsError, type SampleFile, textOf } from "./index.ts";
import { easternOffsetMs } from "./sessions.ts";
import { assetClassOf } from "./symbols.ts";
import { readBack, referenceViolations } from "./testing.ts";

const fileSymbol = (f: SampleFile) => f.symbols[0] ?? "";
const all = (options: Parameters<typeof generateSamples>[0]) => generateSamples(options);

/** The demo mix plus every single format, each with defects. */
const runs = [
  all({ seed: 1, fileDefects: FILE_DEFECT_KINDS }),
  all({ seed: 2, format: "csv", symbols: ["AAPL", "MSFT", "BTC-USD"], days: 120, defectRate: 0.05 }),
  all({ seed: 3, format: "csv-yahoo", symbols: ["IBM", "ETH-USD"], days: 120, defectRate: 0.05 }),
  all({ seed: 4, format: "csv-intraday", symbols: ["AAPL", "BTC-USD"], days: 3, interval: "15m", defectRate: 0.05 }),
  all({ seed: 5, format: "av-daily", symbols: ["IBM"], days: 150, defectRate: 0.05 }),
  all({ seed: 6, format: "av-daily-adjusted", symbols: ["MSFT"], days: 150, defectRate: 0.05 }),
  all({
    seed: 7,
    format: "av-intraday",
    symbols: ["MSFT"],
    days: 4,
    interval: "1m",
    end: "2024-03-12",
    defectRate: 0.05,
  }),
  all({ seed: 8, format: "coingecko-ohlc", symbols: ["BTC-USD", "SOL-USD"], days: 120, defectRate: 0.05 }),
  all({ seed: 9, format: "jsonl", symbols: ["AAPL", "ETH-USD", "^GSPC"], days: 100, interval: "1h", defectRate: 0.05 }),
];

const recordFiles = runs.flatMap((r) =>
  r.files.filter((f) => !r.manifest.fileDefects.some((d) => d.key === f.key)).map((file) => ({ file, run: r })),
);

/** NYSE closures in the default window, from the exchange's published calendars (independent of packages/core/src/calendar.ts). */
const PUBLISHED_CLOSURES = [
  "2023-07-04",
  "2023-09-04",
  "2023-11-23",
  "2023-12-25",
  "2024-01-01",
  "2024-01-15",
  "2024-02-19",
  "2024-03-29",
  "2024-05-27",
  "2024-06-19",
];

describe("generateSamples", () => {
  it("writes byte-identical files for the same seed and different ones for another seed", () => {
    const texts = (seed: number) => generateSamples({ seed, fileDefects: FILE_DEFECT_KINDS }).files.map(textOf);
    expect(texts(42)).toEqual(texts(42));
    expect(texts(43)).not.toEqual(texts(42));
    expect(JSON.stringify(generateSamples({ seed: 42 }).manifest)).toBe(
      JSON.stringify(generateSamples({ seed: 42 }).manifest),
    );
  });

  it.each(recordFiles.map(({ file, run }) => [file.key, file, run] as const))(
    "%s: manifest rows break exactly their rules and every other row breaks none",
    (key, file, run) => {
      const records = readBack(file.format, textOf(file), fileSymbol(file));
      expect(records).toHaveLength(file.records);
      const found = referenceViolations(records, file.interval ?? "1d", Date.now());
      const expected = new Set(run.manifest.defects.filter((d) => d.key === key).map((d) => `${d.row}|${d.rule}`));
      expect([...found].sort()).toEqual([...expected].sort());
    },
  );

  it("never puts an equity bar on a weekend, an NYSE holiday or outside 09:30–16:00 Eastern", () => {
    let checked = 0;
    for (const { file, run } of recordFiles) {
      const bad = new Set(run.manifest.defects.filter((d) => d.key === file.key).map((d) => d.row));
      for (const r of readBack(file.format, textOf(file), fileSymbol(file))) {
        if (bad.has(r.row) || assetClassOf(r.symbol) !== "equity") continue;
        const local = r.ts + (file.interval === "1d" ? 0 : easternOffsetMs(r.ts));
        const day = Math.floor(local / 86_400_000);
        expect(isNyseTradingDay(day)).toBe(true);
        expect(PUBLISHED_CLOSURES).not.toContain(new Date(day * 86_400_000).toISOString().slice(0, 10));
        const minute = (local % 86_400_000) / 60_000;
        if (file.interval !== "1d") expect(minute >= 570 && minute < 960).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3000);
  });

  it("does not trip the warning rules on clean rows: no stale bars, outliers or zero volumes", () => {
    for (const { file, run } of recordFiles) {
      const bad = new Set(run.manifest.defects.filter((d) => d.key === file.key).map((d) => d.row));
      const last = new Map<string, { close: number; ohlcv: string }>();
      for (const r of readBack(file.format, textOf(file), fileSymbol(file))) {
        if (bad.has(r.row)) continue;
        const ohlcv = JSON.stringify([r.open, r.high, r.low, r.close, r.volume]);
        const prev = last.get(r.symbol);
        if (prev) {
          expect(ohlcv).not.toBe(prev.ohlcv);
          expect(Math.abs(Math.log(r.close / prev.close))).toBeLessThan(0.5);
        }
        if (r.hasVolume) expect(r.volume).toBeGreaterThan(0);
        last.set(r.symbol, { close: r.close, ohlcv });
      }
    }
  });

  it("keeps one asset class per multi-symbol file in the demo mix (the gate gives a file one class)", () => {
    const { files } = generateSamples({
      symbols: ["AAPL", "MSFT", "JPM", "NVDA", "IBM", "GOOGL", "BTC-USD", "ETH-USD", "SOL-USD"],
    });
    for (const f of files.filter((x) => x.format === "csv" || x.format === "jsonl")) {
      expect(new Set(f.symbols.map(assetClassOf)).size).toBe(1);
    }
  });

  it("injects defects at the requested rate, with both rows of a conflict and the copy of an exact duplicate", () => {
    const { files, manifest } = generateSamples({
      format: "csv",
      symbols: ["A", "B", "C", "D"],
      days: 250,
      defectRate: 0.05,
    });
    const injections =
      manifest.defects.length - manifest.defects.filter((d) => d.kind === "duplicate-conflict").length / 2;
    expect(injections).toBe(Math.round(0.05 * 1000));
    expect(files[0]?.records).toBe(1000 + manifest.defects.filter((d) => d.kind.startsWith("duplicate")).length / 1.5);
    expect(manifest.defects.find((d) => d.kind === "duplicate-exact")?.severity).toBe("warn");
    expect(manifest.defects.find((d) => d.kind === "high-below-low")?.rule).toBe("ohlc.high_bounds");
    expect(manifest.defects.find((d) => d.kind === "bad-symbol")?.rule).toBe("symbol.format");
    const kinds = generateSamples({
      format: "csv",
      symbols: ["A"],
      days: 250,
      defectRate: 0.1,
      defects: ["zero-price"],
    });
    expect(new Set(kinds.manifest.defects.map((d) => d.kind))).toEqual(new Set(["zero-price"]));
    expect(generateSamples({ defectRate: 0 }).manifest.defects).toEqual([]);
  });
});

describe("formats match the provider fixtures", () => {
  const one = (format: FormatName, symbols: string[], extra = {}) =>
    textOf(generateSamples({ format, symbols, days: 120, defectRate: 0, ...extra }).files[0] as SampleFile);
  const fourDecimals = /^\d+\.\d{4}$/;

  it("av-daily: Meta Data and Time Series (Daily), string numbers, newest first", () => {
    const json = JSON.parse(one("av-daily", ["IBM"]));
    expect(Object.keys(json)).toEqual(["Meta Data", "Time Series (Daily)"]);
    expect(Object.keys(json["Meta Data"])).toEqual([
      "1. Information",
      "2. Symbol",
      "3. Last Refreshed",
      "4. Output Size",
      "5. Time Zone",
    ]);
    expect(json["Meta Data"]["2. Symbol"]).toBe("IBM");
    expect(json["Meta Data"]["5. Time Zone"]).toBe("US/Eastern");
    const dates = Object.keys(json["Time Series (Daily)"]);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(json["Meta Data"]["3. Last Refreshed"]).toBe(dates[0]);
    const bar = json["Time Series (Daily)"][dates[0] ?? ""];
    expect(Object.keys(bar)).toEqual(["1. open", "2. high", "3. low", "4. close", "5. volume"]);
    for (const k of ["1. open", "2. high", "3. low", "4. close"]) expect(bar[k]).toMatch(fourDecimals);
    expect(bar["5. volume"]).toMatch(/^\d+$/);
  });

  it("av-daily-adjusted: the adjusted field names", () => {
    const json = JSON.parse(one("av-daily-adjusted", ["MSFT"]));
    const series = json["Time Series (Daily)"];
    expect(Object.keys(series[Object.keys(series)[0] ?? ""])).toEqual([
      "1. open",
      "2. high",
      "3. low",
      "4. close",
      "5. adjusted close",
      "6. volume",
      "7. dividend amount",
      "8. split coefficient",
    ]);
  });

  it("av-intraday: Eastern local times, the interval in the metadata and the series name", () => {
    const json = JSON.parse(one("av-intraday", ["MSFT"], { days: 2, interval: "1m", end: "2024-01-05" }));
    expect(Object.keys(json)).toEqual(["Meta Data", "Time Series (1min)"]);
    expect(Object.keys(json["Meta Data"])).toEqual([
      "1. Information",
      "2. Symbol",
      "3. Last Refreshed",
      "4. Interval",
      "5. Output Size",
      "6. Time Zone",
    ]);
    expect(json["Meta Data"]["4. Interval"]).toBe("1min");
    const stamps = Object.keys(json["Time Series (1min)"]);
    expect(stamps[0]).toBe("2024-01-05 15:59:00");
    expect(stamps[stamps.length - 1]).toBe("2024-01-04 09:30:00");
    expect(json["Meta Data"]["3. Last Refreshed"]).toBe("2024-01-05 15:59:00");
  });

  it("coingecko-ohlc: [close ms, open, high, low, close] candles at 00:00Z, oldest first, keyed by coin id", () => {
    const { files } = generateSamples({ format: "coingecko-ohlc", symbols: ["BTC-USD"], days: 30, defectRate: 0 });
    expect(files[0]?.key).toBe("coingecko/bitcoin/ohlc-30d-2024-06-28.json");
    const candles = JSON.parse(textOf(files[0] as SampleFile)) as number[][];
    expect(candles).toHaveLength(30);
    for (const c of candles) {
      expect(c).toHaveLength(5);
      expect((c[0] ?? 1) % 86_400_000).toBe(0);
    }
    // Stamped with the close time: the candle of the session 2024-06-28 closes at 2024-06-29T00:00Z.
    expect(candles[29]?.[0]).toBe(Date.parse("2024-06-29T00:00:00Z"));
  });

  it("csv variants: headers, keys and timestamps", () => {
    const yahoo = generateSamples({ format: "csv-yahoo", symbols: ["AAPL"], days: 5, defectRate: 0 }).files[0];
    expect(yahoo?.key).toBe("csv/AAPL.csv");
    expect(textOf(yahoo as SampleFile).split("\n")[0]).toBe("Date,Open,High,Low,Close,Adj Close,Volume");
    expect(one("csv", ["AAPL", "BTC-USD"]).split("\n")[0]).toBe("symbol,date,open,high,low,close,volume");
    const intraday = generateSamples({
      format: "csv-intraday",
      symbols: ["AAPL"],
      days: 1,
      end: "2024-01-05",
      defectRate: 0,
    });
    expect(intraday.files[0]?.key).toBe("csv/intraday/interval=5m/AAPL.csv");
    const lines = textOf(intraday.files[0] as SampleFile).split("\n");
    expect(lines[0]).toBe("timestamp,open,high,low,close,volume");
    expect(lines[1]?.startsWith("2024-01-05T14:30:00Z,")).toBe(true);
  });

  it("jsonl: canonical records", () => {
    const line = JSON.parse(one("jsonl", ["BTC-USD"]).split("\n")[0] ?? "{}");
    expect(Object.keys(line)).toEqual([
      "symbol",
      "interval",
      "ts",
      "trade_date",
      "open",
      "high",
      "low",
      "close",
      "adj_close",
      "volume",
      "currency",
      "asset_class",
    ]);
    expect(line).toMatchObject({ symbol: "BTC-USD", interval: "1d", adj_close: null, asset_class: "crypto" });
  });
});

describe("whole-file defects", () => {
  const { files, manifest } = generateSamples({ fileDefects: FILE_DEFECT_KINDS, defectRate: 0 });
  const byKind = (kind: string) => {
    const entry = manifest.fileDefects.find((d) => d.kind === kind);
    return files.find((f) => f.key === entry?.key) as SampleFile;
  };

  it("lists each with its rule", () => {
    expect(manifest.fileDefects.map((d) => [d.kind, d.rule])).toEqual([
      ["empty-file", "file.format_known"],
      ["truncated-json", "file.decodable"],
      ["binary-garbage", "file.decodable"],
      ["av-throttle", "file.not_provider_error"],
      ["header-only-csv", "file.row_count"],
      ["rejection-rate", "file.rejection_rate"],
    ]);
  });

  it("makes files that really are broken", () => {
    expect(textOf(byKind("empty-file"))).toBe("");
    expect(() => JSON.parse(textOf(byKind("truncated-json")))).toThrow();
    expect(textOf(byKind("truncated-json")).startsWith('{\n    "Meta Data"')).toBe(true);
    const bytes = byKind("binary-garbage").content as Uint8Array;
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    expect(Object.keys(JSON.parse(textOf(byKind("av-throttle"))))).toEqual(["Note"]);
    expect(textOf(byKind("header-only-csv")).trim().split("\n")).toHaveLength(1);
    // A quarter of the rows break ohlc.high_bounds (high below low): above the gate's 5 %.
    const rows = textOf(byKind("rejection-rate"))
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(","));
    const broken = rows.filter(([, , high, low]) => Number(high) < Number(low));
    expect(rows).toHaveLength(40);
    expect(broken).toHaveLength(10);
  });
});

describe("benchmark files (rows)", () => {
  it("makes one streamed file of exactly N records, adding SIM symbols as needed", () => {
    const { files, manifest } = generateSamples({ format: "csv", rows: 60_000, days: 250, defectRate: 0.001 });
    expect(files).toHaveLength(1);
    const file = files[0] as SampleFile;
    expect(typeof file.content).toBe("function");
    expect(file.symbols).toContain("SIM0001");
    const copies = manifest.defects.filter((d) => d.kind.startsWith("duplicate")).length / 1.5;
    expect(file.records).toBe(60_000 + copies);
    expect(textOf(file).trimEnd().split("\n")).toHaveLength(1 + file.records);
  });

  it("cuts a single-symbol file to N bars", () => {
    const { files } = generateSamples({ format: "csv-intraday", symbols: ["AAPL"], rows: 1000, defectRate: 0 });
    expect(files[0]?.records).toBe(1000);
    expect(
      textOf(files[0] as SampleFile)
        .trimEnd()
        .split("\n"),
    ).toHaveLength(1001);
  });
});

describe("option errors", () => {
  it.each([
    [{ format: "av-daily" as const, symbols: ["BTC-USD"] }, /equity only/],
    [{ format: "csv" as const, interval: "5m" as const }, /daily bars only/],
    [{ format: "av-intraday" as const, symbols: ["MSFT"], interval: "1d" as const }, /intraday/],
    [{ rows: 10 }, /--rows/],
    [{ days: 20_000 }, /before 1971/],
    [{ end: "2024-02-30" }, /bad end date/],
    [{ symbols: ["AAPL", "aapl"] }, /twice/],
    [{ symbols: ["AAPL:x"] }, /bad drift/],
    [{ defectRate: 0.9 }, /defect rate/],
    [{ format: "csv-yahoo" as const, symbols: ["BTC/USD"] }, /cannot name a file/],
  ])("rejects %o", (options, message) => {
    expect(() => generateSamples(options)).toThrow(OptionsError);
    expect(() => generateSamples(options)).toThrow(message);
  });

  it("accepts the weekend end date by ending on the Friday before", () => {
    const { files } = generateSamples({
      format: "csv-yahoo",
      symbols: ["AAPL"],
      days: 3,
      end: "2024-06-30",
      defectRate: 0,
    });
    const dates = textOf(files[0] as SampleFile)
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.slice(0, 10));
    expect(dates).toEqual(["2024-06-26", "2024-06-27", "2024-06-28"]);
    expect(dates.some((d) => isWeekend(dayOf(d)))).toBe(false);
  });
});
