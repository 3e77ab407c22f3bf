// The wiring test's own tools: if these were wrong, its assertions would pass or fail for the wrong reasons.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exportsName, moduleSources, requiredEnvOf, scriptArguments } from "./assert-code";
import {
  durationSeconds,
  glueJobStateChange,
  matchesEventPattern,
  matchesJsonFilter,
  sizeMegabytes,
  sstBusPattern,
} from "./aws-semantics";
import { grants } from "./graph";
import { installSstGlobals, type Ref, removeSstGlobals, render } from "./sst-globals";

describe("SST values", () => {
  it("reads SST durations and sizes in seconds and megabytes", () => {
    expect(durationSeconds("5 seconds")).toBe(5);
    expect(durationSeconds("13 minutes")).toBe(780);
    expect(durationSeconds("1 hour")).toBe(3600);
    expect(sizeMegabytes("1024 MB")).toBe(1024);
    expect(sizeMegabytes("1 GB")).toBe(1024);
  });

  it("rejects what SST would not accept", () => {
    expect(() => durationSeconds("5s")).toThrow(/not an SST duration/);
    expect(() => durationSeconds(undefined)).toThrow(/not an SST duration/);
    expect(() => sizeMegabytes("1024")).toThrow(/not an SST size/);
  });
});

describe("EventBridge patterns", () => {
  const succeeded = glueJobStateChange("job-a", "SUCCEEDED");

  it("match literals at every level and reject any mismatch", () => {
    const pattern = {
      source: ["aws.glue"],
      "detail-type": ["Glue Job State Change"],
      detail: { state: ["SUCCEEDED"] },
    };
    expect(matchesEventPattern(pattern, succeeded)).toBe(true);
    expect(matchesEventPattern(pattern, glueJobStateChange("job-a", "FAILED"))).toBe(false);
    expect(matchesEventPattern({ detail: { jobName: ["job-b"] } }, succeeded)).toBe(false);
  });

  it("turn SST's detailType into EventBridge's detail-type, as SST's Bus subscriber does", () => {
    const pattern = sstBusPattern({ source: ["aws.glue"], detailType: ["Glue Job State Change"] });
    expect(pattern).toEqual({ source: ["aws.glue"], "detail-type": ["Glue Job State Change"] });
    expect(matchesEventPattern(pattern, succeeded)).toBe(true);
  });

  it("refuse operators they do not implement instead of guessing", () => {
    expect(() => matchesEventPattern({ source: [{ "anything-but": "x" }] }, succeeded)).toThrow(/unsupported/);
  });
});

describe("CloudWatch Logs JSON filters", () => {
  it("match a JSON field and nothing else", () => {
    const pattern = '{ $.message = "QUALITY=FAIL" }';
    expect(matchesJsonFilter(pattern, '{"level":"WARN","message":"QUALITY=FAIL"}')).toBe(true);
    expect(matchesJsonFilter(pattern, '{"level":"INFO","message":"QUALITY=PASS"}')).toBe(false);
    expect(matchesJsonFilter(pattern, "2026-01-05 WARN QUALITY=FAIL")).toBe(false);
  });
});

describe("source checks", () => {
  it("find exported names in their usual forms", () => {
    expect(exportsName("export const handler = handle(app);", "handler")).toBe(true);
    expect(exportsName("export async function handler(event) {}", "handler")).toBe(true);
    expect(exportsName("const h = 1;\nexport { h as handler };", "handler")).toBe(true);
    expect(exportsName("export const handlers = [];", "handler")).toBe(false);
    expect(exportsName("export { handler as other };", "handler")).toBe(false);
  });

  it("follow a handler's runtime imports transitively, but not type-only ones", () => {
    const root = mkdtempSync(join(tmpdir(), "wiring-sources-"));
    try {
      mkdirSync(join(root, "src", "shared"), { recursive: true });
      const write = (path: string, text: string) => writeFileSync(join(root, "src", path), text);
      write(
        "handler.ts",
        'import { a } from "./shared/a.js";\nimport type { T } from "./types.js";\nexport const handler = a;\n',
      );
      write("shared/a.ts", 'export { b } from "./b.js";\nexport const a = () => import("../lazy.js");\n');
      write("shared/b.ts", 'export const b = requiredEnv("DEEP_ONE");\n');
      write("lazy.ts", 'export const l = requiredEnv("LAZY_ONE");\n');
      write("types.ts", 'export type T = string; requiredEnv("TYPE_ONLY");\n');
      expect(moduleSources(root, "src/handler.ts")).toHaveLength(4);
      expect(requiredEnvOf(root, "src/handler.ts").sort()).toEqual(["DEEP_ONE", "LAZY_ONE"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("read the arguments a Glue script resolves, following a spread into its package", () => {
    const script = 'options = getResolvedOptions(argv, ["JOB_NAME", *ARG_NAMES])';
    const library = ['ARG_NAMES: tuple[str, ...] = ("curated_root", "run_id")'];
    expect(scriptArguments(script, library)).toEqual(["JOB_NAME", "curated_root", "run_id"]);
    expect(() => scriptArguments(script, [])).toThrow(/definition of ARG_NAMES/);
    expect(() => scriptArguments("print('no options')")).toThrow(/no getResolvedOptions/);
  });
});

describe("the recording stand-ins", () => {
  afterEach(() => {
    removeSstGlobals();
  });

  /** A stand-in by its global path, e.g. `sst.aws.Queue`. */
  const standIn = (path: string): Ref => {
    const [root = "", ...members] = path.split(".");
    return members.reduce((ref: Ref, member) => Reflect.get(ref, member), Reflect.get(globalThis, root));
  };
  const member = (ref: unknown, name: string): Ref => Reflect.get(Object(ref), name);

  it("give components recognisable tokens and follow references through $interpolate", () => {
    installSstGlobals({ stage: "test" });
    const Queue = standIn("sst.aws.Queue");
    const interpolate: (strings: TemplateStringsArray, ...values: unknown[]) => unknown = standIn("$interpolate");
    const arn = member(new Queue("Jobs"), "arn");
    expect(render(arn)).toBe("{{Jobs.arn}}");
    expect(render(interpolate`${arn}/x`)).toBe("{{Jobs.arn}}/x");
  });

  it("throw on a class, member or function SST does not have, instead of recording it", () => {
    installSstGlobals({ stage: "test" });
    const Queu = standIn("sst.aws.Queu");
    expect(() => new Queu("Jobs")).toThrow(/no class sst.aws.Queu/);
    const Queue = standIn("sst.aws.Queue");
    const queue = new Queue("Jobs");
    expect(() => member(queue, "ARN")).toThrow(/no member "ARN"/);
    expect(() => member(queue, "arn")()).toThrow(/not a function/);
    expect(() => new Queue("Jobs")).toThrow(/two components are named "Jobs"/);
  });

  it("make an Output used in a plain template literal visible", () => {
    installSstGlobals({ stage: "test" });
    const arn = member(new (standIn("sst.aws.Queue"))("Jobs"), "arn");
    expect(`${String(arn)}/x`).toMatch(/used as a plain string: use \$interpolate/);
  });
});

describe("IAM grants", () => {
  const statements = [{ actions: ["s3:GetObject"], resources: ["{{Data.arn}}/_control/runs/*", "{{Job.arn}}"] }];

  it("cover a resource named exactly or under a trailing *, for the action granted only", () => {
    expect(grants(statements, "s3:GetObject", "{{Data.arn}}/_control/runs/r1.json")).toBe(true);
    expect(grants(statements, "s3:GetObject", "{{Job.arn}}")).toBe(true);
    expect(grants(statements, "s3:GetObject", "{{Data.arn}}/_control/dirty/x.json")).toBe(false);
    expect(grants(statements, "s3:PutObject", "{{Data.arn}}/_control/runs/r1.json")).toBe(false);
    expect(grants(statements, "s3:GetObject", "{{Job.arn}}-other")).toBe(false);
  });
});
