import { GetJobRunCommand, type GlueClient, StartJobRunCommand } from "@aws-sdk/client-glue";
import { JOB_RUN_STATES, type JobRunner, type JobRunState } from "@market-data/core";

/**
 * Transform runs in AWS: Glue `StartJobRun` / `GetJobRun` on the transform job. Each run gets the two per-run
 * arguments the job parses (packages/glue/src/market/args.py); the rest are the job's default arguments.
 */
export class GlueJobRunner implements JobRunner {
  constructor(
    private readonly client: GlueClient,
    readonly jobName: string,
    /** The data bucket, where the work list lies: the job reads `--work_list` as an `s3://` URI. */
    readonly bucket: string,
  ) {}

  /** The job allows one concurrent run, so Glue's `ConcurrentRunsExceededException` means "busy, try next tick". */
  async start(run: {
    runId: string;
    workListKey: string;
  }): Promise<{ started: true; jobRunId: string } | { started: false; reason: "busy" }> {
    try {
      const out = await this.client.send(
        new StartJobRunCommand({
          JobName: this.jobName,
          Arguments: { "--run_id": run.runId, "--work_list": `s3://${this.bucket}/${run.workListKey}` },
        }),
      );
      if (out.JobRunId === undefined) throw new Error(`Glue StartJobRun of ${this.jobName} returned no JobRunId`);
      return { started: true, jobRunId: out.JobRunId };
    } catch (error) {
      if (errorName(error) === "ConcurrentRunsExceededException") return { started: false, reason: "busy" };
      throw error;
    }
  }

  /** `UNKNOWN` for a run Glue does not know (it keeps run history for 90 days) or a state this code predates. */
  async state(jobRunId: string): Promise<JobRunState> {
    try {
      const out = await this.client.send(new GetJobRunCommand({ JobName: this.jobName, RunId: jobRunId }));
      return toJobRunState(out.JobRun?.JobRunState);
    } catch (error) {
      if (errorName(error) === "EntityNotFoundException") return "UNKNOWN";
      throw error;
    }
  }
}

/** Glue's `JobRunState` as the port's state; anything else is `UNKNOWN`. */
export function toJobRunState(state: string | undefined): JobRunState {
  return JOB_RUN_STATES.find((known) => known === state) ?? "UNKNOWN";
}

/** SDK errors are matched by name: a second copy of the SDK in a bundle has its own exception classes. */
function errorName(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "name" in error && typeof error.name === "string"
    ? error.name
    : undefined;
}
