import {
  buildValidationReport,
  type FileMeta,
  type FileReject,
  fileRejectOutcome,
  type GateOutcome,
  keys,
  objectIdOf,
  toUtcTs,
  type ValidationReport,
} from "@market-data/core";
import type { DirtyMarker } from "@market-data/core/transform";
import { latestPriceOf, runPass, type ValidateDeps } from "./run-pass.js";

export type { ValidateDeps } from "./run-pass.js";

/** The result of validating one raw object, for logs, metrics and the offline runtime's summary. */
export type ObjectOutcome =
  | { status: "skipped"; key: string; reason: "not-found" | "already-processed"; objectId?: string }
  | { status: "processed"; key: string; objectId: string; reportKey: string; report: ValidationReport };

/**
 * Validates one raw object and writes everything derived from it: curated and quarantined records, the
 * whole-file quarantine note, the latest prices, the dirty marker for the transform, and — last, so that its
 * presence means "done" — the report. Every output key derives from the object id, so a retry overwrites its
 * own output, and a report already present makes a redelivered message a no-op.
 * Throws only for infrastructure faults; every data problem ends in quarantine with a reason.
 */
export async function validateObject(deps: ValidateDeps, key: string): Promise<ObjectOutcome> {
  const now = deps.now ?? Date.now;
  const info = await deps.objects.head(key);
  if (info === undefined) return { status: "skipped", key, reason: "not-found" };
  const objectId = objectIdOf(key, info.etag);
  const date = info.lastModified.toISOString().slice(0, 10);
  const reportKey = keys.report(date, objectId);
  if ((await deps.objects.head(reportKey)) !== undefined) {
    return { status: "skipped", key, reason: "already-processed", objectId };
  }
  const startedAt = new Date(now());
  const ctx = { key, etag: info.etag, ingestedAt: toUtcTs(info.lastModified.getTime()), now: startedAt.getTime() };

  let outcome = await runPass(deps, ctx, date, objectId);
  const conflicts = outcome.kind === "done" ? outcome.pass.run?.conflictingKeys() : undefined;
  if (conflicts !== undefined && conflicts.size > 0) {
    // Records already written for a key that later met a conflicting twin must be withdrawn: redo the object.
    outcome = await runPass(deps, ctx, date, objectId, conflicts);
  }

  const report = (gate: GateOutcome, meta: FileMeta | undefined, outputs: ReportOutputs) =>
    buildValidationReport({
      key,
      etag: info.etag,
      objectId,
      format: meta?.format ?? null,
      gate,
      outputs,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date(now()).toISOString(),
    });

  if (outcome.kind === "file-reject") {
    const quarantineFile = await quarantineWholeFile(deps, key, info.etag, objectId, outcome.reject);
    const gate = fileRejectOutcome(outcome.reject);
    const written = report(gate, outcome.meta, { curated: [], quarantine: [], quarantineFile });
    await deps.objects.put(reportKey, JSON.stringify(written, null, 2), { contentType: "application/json" });
    return { status: "processed", key, objectId, reportKey, report: written };
  }

  const { pass } = outcome;
  const gate = pass.run?.finish() ?? fileRejectOutcome(noRecords());
  const curatedKeys = [...pass.curated.values()].map((writer) => writer.key);
  const quarantineKeys = [...pass.quarantine.values()].map((writer) => writer.key);
  let outputs: ReportOutputs;
  if (gate.fileReject !== undefined) {
    // The gate failed: nothing of this object may reach curated, so withdraw what the pass wrote.
    await Promise.all(curatedKeys.map((curatedKey) => deps.objects.delete(curatedKey)));
    const quarantineFile = await quarantineWholeFile(deps, key, info.etag, objectId, gate.fileReject);
    outputs = { curated: [], quarantine: quarantineKeys, quarantineFile };
  } else {
    await deps.prices.upsert([...pass.latest.values()].map(latestPriceOf));
    const marker: DirtyMarker = {
      object_id: objectId,
      raw_key: key,
      etag: info.etag,
      ingested_at: ctx.ingestedAt,
      curated: curatedKeys,
      entries: [...pass.dirty.values()],
    };
    await deps.objects.put(keys.dirty(objectId), JSON.stringify(marker), { contentType: "application/json" });
    outputs = { curated: curatedKeys, quarantine: quarantineKeys };
  }
  const written = report(gate, pass.meta, outputs);
  await deps.objects.put(reportKey, JSON.stringify(written, null, 2), { contentType: "application/json" });
  return { status: "processed", key, objectId, reportKey, report: written };
}

interface ReportOutputs {
  curated: string[];
  quarantine: string[];
  quarantineFile?: string;
}

async function quarantineWholeFile(
  deps: ValidateDeps,
  key: string,
  etag: string,
  objectId: string,
  reject: FileReject,
): Promise<string> {
  const quarantineKey = keys.quarantineFile(objectId);
  // The raw object stays where it is (raw/ is never modified); this note says why none of it was curated.
  const note = { raw_key: key, etag, object_id: objectId, rule: reject.rule, reason: reject.reason };
  await deps.objects.put(quarantineKey, JSON.stringify(note, null, 2), { contentType: "application/json" });
  return quarantineKey;
}

function noRecords(): FileReject {
  return { ok: false, rule: "file.row_count", reason: "the object holds no records" };
}
