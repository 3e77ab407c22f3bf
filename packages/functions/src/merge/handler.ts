import type { Logger } from "@aws-lambda-powertools/logger";
import type { Alert, MergeCounts, Notifier, ObjectStore, Warehouse } from "@market-data/core/ports";
import type { GlueJobStateChange } from "../local/spark-job-runner.js";
import type { RunIdResolver } from "./run-id.js";
import { mergeRequestOf, readRunManifest } from "./run-manifest.js";

export interface MergeHandlerDeps {
  objects: ObjectStore;
  warehouse: Warehouse;
  notifier: Notifier;
  runIdOf: RunIdResolver;
  logger: Logger;
  now?: () => Date;
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
  const now = deps.now ?? (() => new Date());
  const alert = async (fields: Omit<Alert, "at" | "source">) => {
    try {
      await deps.notifier.publish({ ...fields, source: "merge", at: now().toISOString() });
    } catch (error) {
      // An alert that cannot be sent must not replace the error it was about.
      deps.logger.error("could not publish an alert", { alert: fields, error: String(error) });
    }
  };

  return async function handleJobStateChange(event: GlueJobStateChange): Promise<MergeResult> {
    const { state, jobRunId, jobName, message } = event.detail;
    if (state !== "SUCCEEDED") {
      deps.logger.error("transform run did not succeed", { jobName, jobRunId, state, message });
      await alert({
        severity: "error",
        title: `Transform run ${jobRunId} ${state}`,
        message: message || `the Glue job ${jobName} ended ${state}; its markers are taken again by the next run`,
        context: { jobName, jobRunId, state },
      });
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
      return { status: outcome.status, runId: outcome.runId, counts: outcome.counts };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      deps.logger.error("merge failed", { jobRunId, runId, error: text });
      await alert({
        severity: "error",
        title: `Merge of run ${runId ?? jobRunId} failed`,
        message: text,
        context: { jobName, jobRunId, ...(runId === undefined ? {} : { runId }) },
      });
      throw error;
    }
  };
}
