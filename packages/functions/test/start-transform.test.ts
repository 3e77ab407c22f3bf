import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { controlKeys, type JobRunner, type JobRunState, keys, type WorkList } from "@market-data/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FolderObjectStore } from "../src/adapters/folder-object-store.js";
import { startTransform } from "../src/transform/start-transform.js";

/** A job service that records what it was asked and answers as told. */
class FakeJobs implements JobRunner {
  readonly started: { runId: string; workListKey: string }[] = [];
  busy = false;
  readonly states = new Map<string, JobRunState>();
  async start(run: { runId: string; workListKey: string }) {
    if (this.busy) return { started: false as const, reason: "busy" as const };
    this.started.push(run);
    const jobRunId = `jr_${this.started.length}`;
    this.states.set(jobRunId, "RUNNING");
    return { started: true as const, jobRunId };
  }
  async state(jobRunId: string) {
    return this.states.get(jobRunId) ?? "UNKNOWN";
  }
}

let root: string;
let objects: FolderObjectStore;
let jobs: FakeJobs;
let clock: number;
const logger = new Logger({ serviceName: "start-transform", logLevel: "SILENT" });
const tick = () => startTransform({ objects, jobs, logger, now: () => clock });

async function marker(objectId: string) {
  const value = {
    object_id: objectId,
    raw_key: `raw/csv/${objectId}.csv`,
    etag: "e",
    ingested_at: "2024-07-01T09:00:00Z",
    curated: [`curated/interval=1d/date=2024-07-01/${objectId}.jsonl.gz`],
    entries: [
      {
        symbol: "AAPL",
        interval: "1d",
        earliest_ts: "2024-01-02T00:00:00Z",
        latest_ts: "2024-06-28T00:00:00Z",
        rows: 10,
      },
    ],
  };
  await objects.put(keys.dirty(objectId), JSON.stringify(value));
  return value;
}

async function json<T>(key: string): Promise<T | undefined> {
  const bytes = await objects.getBytes(key);
  return bytes && (JSON.parse(Buffer.from(bytes).toString("utf8")) as T);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "start-transform-"));
  objects = new FolderObjectStore(root);
  jobs = new FakeJobs();
  clock = Date.parse("2024-07-01T10:00:00Z");
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe("start-transform", () => {
  it("does nothing when no markers wait", async () => {
    expect(await tick()).toEqual({ status: "idle" });
    expect(jobs.started).toEqual([]);
  });

  it("starts one run on every waiting marker, with the markers' content in its work list, and claims them", async () => {
    const a = await marker("a");
    const b = await marker("b");
    const result = await tick();
    expect(result).toMatchObject({ status: "started", markers: 2, jobRunId: "jr_1" });
    const [run] = jobs.started;
    expect(run?.workListKey).toBe(controlKeys.workList(run?.runId ?? ""));
    expect(await json<WorkList>(run?.workListKey ?? "")).toEqual({ run_id: run?.runId, markers: [a, b] });
    expect(await json(controlKeys.claim("a"))).toMatchObject({ run_id: run?.runId, job_run_id: "jr_1" });
  });

  it("starts nothing while a run is in flight, and takes new markers after it", async () => {
    await marker("a");
    await tick();
    await marker("b");
    expect(await tick()).toMatchObject({ status: "in-flight" });
    expect(jobs.started).toHaveLength(1);
  });

  it("consumes the markers of a succeeded run", async () => {
    await marker("a");
    const started = await tick();
    if (started.status !== "started") throw new Error("expected a run");
    await objects.put(controlKeys.runManifest(started.runId), JSON.stringify({ status: "SUCCEEDED" }));
    expect(await tick()).toEqual({ status: "idle" });
    expect(await objects.head(keys.dirty("a"))).toBeUndefined();
    expect(await objects.head(controlKeys.claim("a"))).toBeUndefined();
  });

  it("gives a failed run's markers to the next run", async () => {
    await marker("a");
    const first = await tick();
    if (first.status !== "started") throw new Error("expected a run");
    jobs.states.set(first.jobRunId, "FAILED");
    clock += 60_000;
    const second = await tick();
    expect(second).toMatchObject({ status: "started", markers: 1 });
    expect(jobs.started.map((run) => run.runId)).toHaveLength(2);
    expect(await objects.head(keys.dirty("a"))).toBeDefined();
  });

  it("treats ConcurrentRunsExceeded as 'try next tick': no claims left, markers kept", async () => {
    await marker("a");
    jobs.busy = true;
    expect(await tick()).toEqual({ status: "busy", markers: 1 });
    expect(await objects.head(controlKeys.claim("a"))).toBeUndefined();
    jobs.busy = false;
    expect(await tick()).toMatchObject({ status: "started" });
  });

  it("releases a claim a dead tick left without a job run after ten minutes", async () => {
    await marker("a");
    await objects.put(
      controlKeys.claim("a"),
      JSON.stringify({ object_id: "a", run_id: "r0", job_run_id: null, claimed_at: new Date(clock).toISOString() }),
    );
    expect(await tick()).toMatchObject({ status: "in-flight" });
    clock += 11 * 60_000;
    expect(await tick()).toMatchObject({ status: "started" });
  });
});
