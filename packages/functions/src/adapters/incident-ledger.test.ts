import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IncidentLedger, IncidentRecord } from "@market-data/core/ports";
import { afterAll, describe, expect, it } from "vitest";
import { FolderObjectStore } from "./folder-object-store.js";
import { MemoryIncidentLedger } from "./memory-incidents.js";
import { ObjectStoreIncidentLedger } from "./object-store-incidents.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const record = (incidentKey: string, kind: IncidentRecord["kind"] = "job_failed"): IncidentRecord => ({
  incidentKey,
  kind,
  summary: "s",
  openedAt: "2024-03-01T10:00:00.000Z",
  lastSeenAt: "2024-03-01T10:00:00.000Z",
  occurrences: 1,
});

// One contract, both implementations (the object-store one is what S3 and the offline folder hold).
describe.each([
  ["in memory", async (): Promise<IncidentLedger> => new MemoryIncidentLedger()],
  [
    "over an object store",
    async (): Promise<IncidentLedger> => {
      const dir = await mkdtemp(join(tmpdir(), "incidents-"));
      dirs.push(dir);
      return new ObjectStoreIncidentLedger(new FolderObjectStore(dir));
    },
  ],
])("incident ledger %s", (_name, make) => {
  it("keeps, lists by kind, replaces and forgets incidents by key", async () => {
    const ledger = await make();
    expect(await ledger.get("job:t")).toBeUndefined();
    await ledger.put(record("job:t"));
    await ledger.put(record("stale:AAPL,MSFT", "data_stale"));
    await ledger.put({ ...record("job:t"), occurrences: 2, slack: { channel: "C1", ts: "1.2" } });
    expect(await ledger.get("job:t")).toMatchObject({ occurrences: 2, slack: { channel: "C1", ts: "1.2" } });
    expect((await ledger.list("data_stale")).map((r) => r.incidentKey)).toEqual(["stale:AAPL,MSFT"]);
    expect(await ledger.list()).toHaveLength(2);
    await ledger.delete("job:t");
    await ledger.delete("job:t"); // idempotent
    expect(await ledger.get("job:t")).toBeUndefined();
    expect((await ledger.list()).map((r) => r.incidentKey)).toEqual(["stale:AAPL,MSFT"]);
  });
});
