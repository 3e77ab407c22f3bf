import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunksOf, FILE_DEFECT_RULES, generateSamples } from "../../../scripts/sample/index.js";
import { type ValidateDeps, validateObject } from "../src/validate/validate-object.js";
import { jsonLines, makeBucket } from "./factories.js";

type Bucket = Awaited<ReturnType<typeof makeBucket>>;
let bucket: Bucket;
let deps: ValidateDeps;
beforeAll(async () => {
  bucket = await makeBucket();
  deps = { objects: bucket.objects, prices: bucket.prices, now: () => Date.parse("2024-07-01T00:00:00Z") };
});
afterAll(async () => bucket.cleanup());

/** The generator's manifest says which record of which file breaks which rule; the pipeline must agree exactly. */
describe("the pipeline on generated samples", () => {
  it("quarantines every injected defect with the rule the manifest names, and nothing else", async () => {
    const { files, manifest } = generateSamples({
      seed: 11,
      defectRate: 0.03,
      fileDefects: ["av-throttle", "header-only-csv"],
    });
    const found = new Map<string, Set<string>>();
    for (const file of files) {
      const key = `raw/gen/${file.key}`;
      const body = Buffer.concat(
        [...chunksOf(file)].map((chunk) => (typeof chunk === "string" ? Buffer.from(chunk) : chunk)),
      );
      await bucket.objects.put(key, body);
      const outcome = await validateObject(deps, key);
      if (outcome.status !== "processed") throw new Error(`${key} was not processed`);
      const { report } = outcome;
      const fileDefect = manifest.fileDefects.find((defect) => defect.key === file.key);
      if (fileDefect) {
        expect(report.file_reject?.rule, file.key).toBe(FILE_DEFECT_RULES[fileDefect.kind]);
        continue;
      }
      expect(report.file_reject, `${file.key}: ${report.file_reject?.reason}`).toBeNull();
      for (const quarantineKey of report.outputs.quarantine) {
        for (const line of await jsonLines(bucket.objects, quarantineKey)) {
          const rules = (line.reasons as { rule: string }[]).map((reason) => reason.rule);
          found.set(`${file.key}#${line.row}`, new Set(rules));
        }
      }
      for (const result of report.results) {
        if (result.severity !== "warn") continue;
        for (const example of result.examples) {
          const id = `${file.key}#${example.row}`;
          found.set(id, new Set([...(found.get(id) ?? []), result.rule]));
        }
      }
    }
    const expected = manifest.defects;
    expect(expected.length).toBeGreaterThan(20);
    for (const defect of expected) {
      expect(found.get(`${defect.key}#${defect.row}`), `${defect.key} row ${defect.row} (${defect.kind})`).toContain(
        defect.rule,
      );
    }
    // No error the generator did not inject: every quarantined record is a planned defect.
    const planned = new Set(expected.map((defect) => `${defect.key}#${defect.row}`));
    const unplanned = [...found.entries()].filter(
      ([id, rules]) =>
        !planned.has(id) &&
        [...rules].some(
          (rule) => !["return.outlier", "bar.stale", "volume.zero_equity", "calendar.weekend_equity"].includes(rule),
        ),
    );
    expect(unplanned).toEqual([]);
  }, 120_000);
});
