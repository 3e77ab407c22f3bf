import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_OUT, parseArgs } from "./args.ts";
import { OptionsError } from "./errors.ts";
import { FILE_DEFECT_KINDS } from "./fileDefects.ts";

const now = new Date("2026-01-01T00:00:00Z");

describe("parseArgs", () => {
  it("reads the documented example", () => {
    const args = parseArgs(
      "--out DIR --symbols AAPL,MSFT,BTC-USD --days 250 --end 2024-06-28 --format csv --defect-rate 0.02 --seed 42".split(
        " ",
      ),
      now,
    );
    expect(args).toEqual({
      help: false,
      out: "DIR",
      manifest: true,
      options: {
        symbols: ["AAPL", "MSFT", "BTC-USD"],
        days: 250,
        end: "2024-06-28",
        format: "csv",
        defectRate: 0.02,
        seed: 42,
      },
    });
  });

  it("has defaults, --name=value, flags and an optional list for --file-defects", () => {
    expect(parseArgs([], now)).toEqual({ help: false, out: DEFAULT_OUT, manifest: true, options: {} });
    const args = parseArgs(["--rows=1_000_000", "--no-manifest", "--file-defects", "--help"], now);
    expect(args.options).toEqual({ rows: 1_000_000, format: "csv", fileDefects: FILE_DEFECT_KINDS });
    expect(args.manifest).toBe(false);
    expect(args.help).toBe(true);
    expect(parseArgs(["--file-defects", "empty-file,av-throttle"], now).options.fileDefects).toEqual([
      "empty-file",
      "av-throttle",
    ]);
    expect(parseArgs(["--interval", "5m", "--defects", "zero-price, bad-volume"], now).options).toEqual({
      interval: "5m",
      defects: ["zero-price", "bad-volume"],
    });
  });

  it.each([
    [["--format", "xml"], /--format: unknown value "xml"/],
    [["--days", "ten"], /--days must be a whole number/],
    [["--days"], /--days needs a value/],
    [["--seed", "--days", "3"], /--seed needs a value/],
    [["--frobnicate"], /unknown option --frobnicate/],
    [["AAPL"], /unexpected argument/],
    [["--defects", "typo"], /--defects: unknown value/],
    [["--interval", "2m"], /--interval/],
    [["--defect-rate", "lots"], /--defect-rate must be a number/],
    [["--end", "2027-01-04"], /in the future/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseArgs(argv, now)).toThrow(OptionsError);
    expect(() => parseArgs(argv, now)).toThrow(message);
  });
});

describe("generate CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "generate-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (...argv: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/generate.ts", ...argv], { encoding: "utf8" });

  it("exits with 2 and a message on bad options", () => {
    const run = cli("--format", "av-daily", "--symbols", "BTC-USD");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/av-daily exists for equity only/);
  });

  it("prints usage for --help", () => {
    const run = cli("--help");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Usage: npm run generate/);
  });

  it("writes the files under --out and the manifest next to it", () => {
    const out = join(dir, "raw");
    const run = cli("--out", out, "--symbols", "AAPL,BTC-USD", "--days", "20", "--format", "csv-yahoo", "--seed", "3");
    expect(run.status).toBe(0);
    expect(
      readFileSync(join(out, "csv/AAPL.csv"), "utf8").startsWith("Date,Open,High,Low,Close,Adj Close,Volume\n"),
    ).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, "generated-manifest.json"), "utf8"));
    expect(manifest.files.map((f: { key: string }) => f.key)).toEqual(["csv/AAPL.csv", "csv/BTC-USD.csv"]);
    expect(existsSync(join(dir, ".generate-tmp"))).toBe(false);
  });
});
