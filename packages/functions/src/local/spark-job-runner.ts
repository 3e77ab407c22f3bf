import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { JobRunner, JobRunState } from "@market-data/core";
import type { EventBridgeEvent } from "aws-lambda";

/** The `detail` of EventBridge's "Glue Job State Change" event, as Glue sends it. */
export interface GlueJobStateChangeDetail {
  jobName: string;
  severity: "INFO" | "ERROR" | "WARN";
  state: "SUCCEEDED" | "FAILED" | "TIMEOUT" | "STOPPED";
  jobRunId: string;
  message: string;
}
export type GlueJobStateChange = EventBridgeEvent<"Glue Job State Change", GlueJobStateChangeDetail>;

export interface SparkJobRunnerOptions {
  /** The offline bucket folder (`file://` roots point into it). */
  bucketRoot: string;
  /** Repository root: the Glue script is `packages/glue/src/market_transform.py`. */
  repoRoot: string;
  /** The `.venv`'s python (scripts/python-env.mjs). */
  python: string;
  jobName?: string;
  /** Each run's driver output goes to `<logDir>/<run-id>.log`. */
  logDir: string;
  /** Told when a run ends, with the event EventBridge would deliver. */
  onStateChange: (event: GlueJobStateChange) => void;
}

/**
 * The offline job runner: runs the same Glue script with the `.venv`'s PySpark on `file://` roots, one run at
 * a time (the Glue job's max concurrent runs is 1), and emits a "Glue Job State Change"-shaped event at the end.
 */
export class SparkJobRunner implements JobRunner {
  private readonly states = new Map<string, JobRunState>();
  private running: Promise<void> | undefined;
  private readonly jobName: string;

  constructor(private readonly options: SparkJobRunnerOptions) {
    this.jobName = options.jobName ?? "market-data-local-transform";
  }

  async start(run: { runId: string; workListKey: string }) {
    if (this.running) return { started: false as const, reason: "busy" as const };
    const jobRunId = `jr_local_${run.runId}`;
    this.states.set(jobRunId, "RUNNING");
    await mkdir(this.options.logDir, { recursive: true });
    const bucket = pathToFileURL(this.options.bucketRoot).href;
    const args = [
      join(this.options.repoRoot, "packages", "glue", "src", "market_transform.py"),
      "--curated_root",
      `${bucket}/curated`,
      "--output_root",
      bucket,
      "--run_id",
      run.runId,
      "--work_list",
      `${bucket}/${run.workListKey}`,
    ];
    this.running = this.execute(jobRunId, run.runId, args).finally(() => {
      this.running = undefined;
    });
    return { started: true as const, jobRunId };
  }

  async state(jobRunId: string): Promise<JobRunState> {
    return this.states.get(jobRunId) ?? "UNKNOWN";
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    await this.running;
  }

  private async execute(jobRunId: string, runId: string, args: string[]): Promise<void> {
    const logPath = join(this.options.logDir, `${runId}.log`);
    const log = createWriteStream(logPath);
    let tail = "";
    const child = spawn(this.options.python, args, {
      cwd: this.options.repoRoot,
      env: {
        ...process.env,
        PYTHONPATH: join(this.options.repoRoot, "packages", "glue", "src"),
        SPARK_LOCAL_IP: "127.0.0.1",
        PYSPARK_PYTHON: this.options.python,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keepTail = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout.on("data", keepTail);
    child.stderr.on("data", keepTail);
    const code = await new Promise<number | null>((resolve) => {
      child.on("error", (error) => {
        tail += `\n${error.message}`;
        resolve(null);
      });
      child.on("close", resolve);
    });
    await new Promise<void>((resolve) => log.end(resolve));
    const succeeded = code === 0;
    this.states.set(jobRunId, succeeded ? "SUCCEEDED" : "FAILED");
    this.options.onStateChange({
      version: "0",
      id: randomUUID(),
      "detail-type": "Glue Job State Change",
      source: "aws.glue",
      account: "000000000000",
      time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: "local",
      resources: [],
      detail: {
        jobName: this.jobName,
        severity: succeeded ? "INFO" : "ERROR",
        state: succeeded ? "SUCCEEDED" : "FAILED",
        jobRunId,
        message: succeeded ? "Job run succeeded" : `${lastError(tail)} (driver log: ${logPath})`,
      },
    });
  }
}

/** The most telling line of a failed driver's output: the last Python exception line, else the last line. */
function lastError(output: string): string {
  const lines = output
    .trim()
    .split("\n")
    .filter((line) => line.trim().length > 0);
  const exception = [...lines].reverse().find((line) => /^[A-Za-z_.]*(Error|Exception)\b/.test(line.trim()));
  return (exception ?? lines[lines.length - 1] ?? "the job exited without output").trim().slice(0, 1000);
}
