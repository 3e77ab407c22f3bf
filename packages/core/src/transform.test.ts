import { describe, expect, it } from "vitest";
import { type ClaimedRunStatus, type MarkerClaim, planTransform, runIdFor } from "./transform.js";

const claim = (object_id: string, run_id = "r1"): MarkerClaim => ({
  object_id,
  run_id,
  job_run_id: `jr_${run_id}`,
  claimed_at: "2024-07-01T09:00:00Z",
});

describe("planTransform", () => {
  it("takes every unclaimed marker, sorted", () => {
    expect(planTransform(["b", "a", "a"], [], () => ({ state: "RUNNING" }))).toEqual({
      consumed: [],
      released: [],
      inFlight: [],
      available: ["a", "b"],
    });
  });

  it("consumes the markers of a succeeded run and leaves a running run's markers alone", () => {
    const statuses: Record<string, ClaimedRunStatus> = { r1: { manifest: "SUCCEEDED" }, r2: { state: "RUNNING" } };
    const plan = planTransform(
      ["a", "b", "c"],
      [claim("a", "r1"), claim("b", "r2")],
      (c) => statuses[c.run_id] ?? { state: "UNKNOWN" },
    );
    expect(plan.consumed.map((c) => c.object_id)).toEqual(["a"]);
    expect(plan.inFlight.map((c) => c.object_id)).toEqual(["b"]);
    expect(plan.available).toEqual(["c"]);
  });

  it.each([
    [{ manifest: "FAILED" }],
    [{ state: "FAILED" }],
    [{ state: "TIMEOUT" }],
    [{ state: "STOPPED" }],
    [{ state: "UNKNOWN" }],
  ] as [ClaimedRunStatus][])("releases the claim of a run that ended as %j, so its marker is taken again", (status) => {
    const plan = planTransform(["a"], [claim("a")], () => status);
    expect(plan.released.map((c) => c.object_id)).toEqual(["a"]);
    expect(plan.available).toEqual(["a"]);
  });

  it("trusts a SUCCEEDED job state even before the manifest is read", () => {
    expect(planTransform(["a"], [claim("a")], () => ({ state: "SUCCEEDED" })).consumed).toHaveLength(1);
  });
});

describe("runIdFor", () => {
  it("sorts by start time, names the work, and is a safe path segment", () => {
    const id = runIdFor(new Date("2024-07-01T09:00:05.123Z"), ["b", "a"]);
    expect(id).toMatch(/^20240701T090005Z-[0-9a-f]{8}$/);
    expect(runIdFor(new Date("2024-07-01T09:00:05Z"), ["a", "b"])).toBe(id);
    expect(runIdFor(new Date("2024-07-01T09:00:05Z"), ["a"])).not.toBe(id);
  });
});
