import { GetJobRunCommand, type GlueClient } from "@aws-sdk/client-glue";
import { RUN_ID_PATTERN } from "@market-data/core/warehouse/sql";
import type { GlueJobStateChangeDetail } from "../local/spark-job-runner.js";

/** Finds the pipeline's run id (`--run_id`, which names the delta and the manifest) of a Glue job run. */
export type RunIdResolver = (detail: GlueJobStateChangeDetail) => Promise<string | undefined>;

/**
 * In AWS: the run's `--run_id` argument, from Glue's GetJobRun. The event only carries Glue's own `JobRunId`,
 * and start-transform's claims that map one to the other are deleted by the next tick, so Glue is the one
 * durable source (it keeps run history for 90 days).
 */
export function glueRunIdOf(glue: GlueClient): RunIdResolver {
  return async (detail) => {
    const out = await glue.send(new GetJobRunCommand({ JobName: detail.jobName, RunId: detail.jobRunId }));
    const runId = out.JobRun?.Arguments?.["--run_id"];
    return runId !== undefined && RUN_ID_PATTERN.test(runId) ? runId : undefined;
  };
}

/** Offline: the Spark job runner names its runs `jr_local_<run-id>` (local/spark-job-runner.ts). */
export const localRunIdOf: RunIdResolver = async (detail) => {
  const runId = /^jr_local_(.+)$/.exec(detail.jobRunId)?.[1];
  return runId !== undefined && RUN_ID_PATTERN.test(runId) ? runId : undefined;
};
