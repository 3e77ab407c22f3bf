import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AlertMessageSchema, mergeFailedAlert, mergeRecovered } from "@market-data/core/alerts/index";
import * as v from "valibot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalNotifier } from "./local-notifier.js";
import { MemoryIncidentLedger } from "./memory-incidents.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "alerts-"));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

function capture() {
  const lines: [string, string][] = [];
  return {
    lines,
    out: {
      error: (l: string) => lines.push(["error", l]),
      warn: (l: string) => lines.push(["warn", l]),
      info: (l: string) => lines.push(["info", l]),
    },
  };
}

const place = { kind: "local", bucketRoot: "/tmp/bucket", logDir: "/tmp/logs" } as const;
const failed = mergeFailedAlert({ jobName: "t", jobRunId: "jr_1", message: "boom" }, place, "2024-03-01T10:05:01.000Z");

describe("LocalNotifier", () => {
  it("appends one JSON line per message that reads back as an alert message, and prints it as text", async () => {
    const { lines, out } = capture();
    const path = join(dir, "nested", "alerts.jsonl");
    const local = new LocalNotifier(path, out);
    await local.publish(failed);
    await local.publish(mergeRecovered("t", "r2", "2024-03-01T11:00:00.000Z"));
    const written = (await readFile(path, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(written).toEqual([failed, mergeRecovered("t", "r2", "2024-03-01T11:00:00.000Z")]);
    expect(written.every((m) => v.safeParse(AlertMessageSchema, m).success)).toBe(true);
    expect(lines.map(([level, text]) => [level, text.split("\n")[0]])).toEqual([
      ["error", "[error] merge_failed: Merge of run jr_1 failed"],
      ["info", "[resolved] merge_failed: Run r2 merged into the warehouse: merges of t work again"],
    ]);
    expect(lines[0]?.[1]).toContain("Merge logs: file:///tmp/logs");
    expect(lines[0]?.[1]).toContain("incident: merge:t");
  });

  it("keeps the open incidents: opened by an alert, counted on repeats, closed by the resolution", async () => {
    const incidents = new MemoryIncidentLedger();
    const local = new LocalNotifier(join(dir, "alerts.jsonl"), capture().out, incidents);
    await local.publish(failed);
    await local.publish({ ...failed, at: "2024-03-01T10:20:01.000Z" });
    expect(await incidents.get("merge:t")).toMatchObject({
      kind: "merge_failed",
      occurrences: 2,
      openedAt: "2024-03-01T10:05:01.000Z",
      lastSeenAt: "2024-03-01T10:20:01.000Z",
    });
    await local.publish(mergeRecovered("t", "r2", "2024-03-01T11:00:00.000Z"));
    expect(await incidents.get("merge:t")).toBeUndefined();
  });

  it("masks credentials an error message echoes before writing or printing it", async () => {
    const { lines, out } = capture();
    const path = join(dir, "alerts.jsonl");
    const leaky = { ...failed, detail: "GET https://x/query?apikey=SECRET123 failed; token xoxb-1234-5678-abcdefgh" };
    await new LocalNotifier(path, out).publish(leaky);
    const text = `${await readFile(path, "utf8")}${lines.map(([, l]) => l).join("")}`;
    expect(text).not.toContain("SECRET123");
    expect(text).not.toContain("xoxb-1234");
    expect(text).toContain("apikey=***");
  });
});
