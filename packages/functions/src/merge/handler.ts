import type { Logger } from "@aws-lambda-powertools/logger";
import {
  type AlertPlace,
  jobRecovered,
  jobRunAlert,
  mergeFailedAlert,
  mergeRecovered,
} from "@market-data/core/alerts/index";
import type { IncidentReader, MergeCounts, Notifier, ObjectStore, Warehouse } from "@market-data/core/ports";
import { AlertPublisher } from "../adapters/alert-publisher.js";
import type { GlueJobStateChange } from "../local/spark-job-runner.js";
import type { RunIdResolver } from "./run-id.js";
import { mergeRequestOf, readRunManifest } from "./run-manifest.js";

export interface MergeHandlerDeps {
  objects: ObjectStore;
  warehouse: Warehouse;
  /** Undefined: alerts are only logged (at ERROR, as `ALERT`). */
  notifier: Notifier | undefined;
  runIdOf: RunIdResolver;
  logger: Logger;
  now?: () => Date;
  /** Open incidents: a merged run resolves an open job or merge incident of its job. */
  incidents?: IncidentReader;
  /** Where links in alerts point (AWS console or the offline folders). */
  place?: AlertPlace;
}

export type MergeResult =
  | { status: "merged" | "skipped"; runId: string; counts: MergeCounts }
  /** The job run did not succeed: an alert went out, there is nothing to merge. */
  | { status: "job-failed"; state: string; jobRunId: string };

/**
 * The merge, on each "Glue Job State Change" event: a SUCCEEDED run's delta goes into the warehouse (once:
 * `Warehouse.merge` skips a run already merged); a FAILED / TIMEOUT / STOPPED run raises an alert. Any failure
 * raises an alert and throws, so EventBridge's retries and the function's error alarm see it.
 */
export function createMergeHandler(deps: MergeHandlerDeps) {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const place: AlertPlace = deps.place ?? { kind: "aws", region: process.env.AWS_REGION ?? "us-east-1" };
  // Never throws: an alert that cannot be sent must not replace the error it is about.
  const alerts = new AlertPublisher(deps.notifier, deps.logger, deps.incidents);

  return async function handleJobStateChange(event: GlueJobStateChange): Promise<MergeResult> {
    const { state, jobRunId, jobName, message } = event.detail;
    if (state !== "SUCCEEDED") {
      deps.logger.error("transform run did not succeed", { jobName, jobRunId, state, message });
      const alert = jobRunAlert(event.detail, place, now());
      if (alert !== undefined) await alerts.raise(alert);
      return { status: "job-failed", state, jobRunId };
    }
    let runId: string | undefined;
    try {
      runId = await deps.runIdOf(event.detail);
      if (runId === undefined) throw new Error(`no run id found for Glue job run ${jobRunId} of ${jobName}`);
      const manifest = await readRunManifest(deps.objects, runId);
      if (manifest === undefined) throw new Error(`run ${runId} succeeded but wrote no manifest`);
      if (manifest.status !== "SUCCEEDED") throw new Error(`run ${runId}'s manifest says ${manifest.status}`);
      const outcome = await deps.warehouse.merge(mergeRequestOf(manifest));
      deps.logger.info(outcome.status === "merged" ? "merged a run" : "run already merged; skipped", { ...outcome });
      // A run that made it into the warehouse ends what was open for its job: failing runs, failing merges.
      await alerts.resolveIfOpen(jobRecovered(event.detail, now()));
      await alerts.resolveIfOpen(mergeRecovered(jobName, outcome.runId, now()));
      return { status: outcome.status, runId: outcome.runId, counts: outcome.counts };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      deps.logger.error("merge failed", { jobRunId, runId, error: text });
      await alerts.raise(
        mergeFailedAlert({ jobName, jobRunId, ...(runId === undefined ? {} : { runId }), message: text }, place, now()),
      );
      throw error;
    }
  };
}
