import { describe, expect, it } from "vitest";
import { incidentAfter, incidentKeys, incidentRecordKey, rawSourceOf } from "./incident.js";
import { jobRunAlert } from "./jobs.js";

describe("incident keys", () => {
  it("names a pulled source by its folder without the date, and a dropped file by its key", () => {
    expect(rawSourceOf("raw/alphavantage/daily/symbol=IBM/date=2024-06-28/IBM-20240628T000000Z.json")).toBe(
      "raw/alphavantage/daily/symbol=IBM/",
    );
    expect(rawSourceOf("raw/alphavantage/daily/symbol=IBM/date=2024-06-29/IBM-20240629T000000Z.json")).toBe(
      "raw/alphavantage/daily/symbol=IBM/",
    );
    expect(rawSourceOf("raw/demo/csv/AAPL.csv")).toBe("raw/demo/csv/AAPL.csv");
    expect(rawSourceOf("raw/drops/date=2024-06-28/AAPL.csv")).toBe("raw/drops/AAPL.csv");
  });

  it("keys a stale set by its sorted symbols, and hashes a long set to a short stable key", () => {
    expect(incidentKeys.stale(["MSFT", "AAPL", "MSFT"])).toBe("stale:AAPL,MSFT");
    expect(incidentKeys.stale(["AAPL", "MSFT"])).toBe(incidentKeys.stale(["MSFT", "AAPL"]));
    const many = Array.from({ length: 60 }, (_, i) => `SYM${i}`);
    const key = incidentKeys.stale(many);
    expect(key).toMatch(/^stale:60:[0-9a-f]{32}$/);
    expect(incidentKeys.stale([...many].reverse())).toBe(key);
    expect(incidentKeys.stale(many.slice(1))).not.toBe(key);
  });

  it("stores an incident under a hash of its key", () => {
    expect(incidentRecordKey("job:t")).toMatch(/^_control\/alerts\/incidents\/[0-9a-f]{32}\.json$/);
    expect(incidentRecordKey("job:t")).not.toBe(incidentRecordKey("job:u"));
  });
});

describe("incidentAfter", () => {
  const place = { kind: "aws", region: "us-east-1" } as const;
  const first = jobRunAlert({ jobName: "t", state: "FAILED", jobRunId: "jr_1" }, place, "2024-03-01T10:00:00.000Z");
  const again = jobRunAlert({ jobName: "t", state: "TIMEOUT", jobRunId: "jr_2" }, place, "2024-03-01T10:15:00.000Z");

  it("opens an incident on its first alert and counts the next ones, keeping the Slack message", () => {
    if (first === undefined || again === undefined) throw new Error("no alert");
    const opened = incidentAfter(undefined, first);
    expect(opened).toEqual({
      incidentKey: "job:t",
      kind: "job_failed",
      summary: "Transform run jr_1 FAILED",
      openedAt: "2024-03-01T10:00:00.000Z",
      lastSeenAt: "2024-03-01T10:00:00.000Z",
      occurrences: 1,
    });
    const slack = { channel: "C1", ts: "1.0" };
    expect(incidentAfter({ ...opened, slack }, again)).toEqual({
      ...opened,
      kind: "job_timed_out",
      summary: "Transform run jr_2 TIMEOUT",
      lastSeenAt: "2024-03-01T10:15:00.000Z",
      occurrences: 2,
      slack,
    });
  });
});
