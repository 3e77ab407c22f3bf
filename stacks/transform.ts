// Transform: every 15 minutes start-transform collects the dirty markers and starts the Glue job (one run at a
// time), which turns curated JSONL into Parquet (parquet/bars/ full table + parquet/delta/run_id=…/ changed rows).
// A run that FAILED, TIMED OUT or was STOPPED goes to the alerts topic; start-transform's next tick releases its
// dirty markers, so the work is taken again.
import { PREFIX } from "@market-data/core/keys";
import { alerts } from "./alerts";
import { prefix, RUNTIME } from "./stage";
import { bucket, objectsUnder } from "./storage";

/** EventBridge's shape for Glue job runs: `source` aws.glue, `detail-type` below, `detail.jobName` / `detail.state`. */
export const GLUE_SOURCE = "aws.glue";
export const GLUE_JOB_STATE_CHANGE = "Glue Job State Change";
export const FAILED_STATES = ["FAILED", "TIMEOUT", "STOPPED"] as const;

/** The Glue job's name: a plain string, so the EventBridge patterns in warehouse.ts can match it exactly. */
export const TRANSFORM_JOB_NAME = `${prefix}-transform`;

/** The job's entry script and the Python package it imports, in the repo. */
export const TRANSFORM_SCRIPT = "packages/glue/src/market_transform.py";
export const TRANSFORM_LIBRARY = "packages/glue/src/market";

/**
 * Arguments start-transform passes to each StartJobRun (so they are not defaults here): the run id and the
 * work list (the dirty-marker keys taken by that run).
 */
export const PER_RUN_ARGUMENTS = ["--run_id", "--work_list"] as const;

/** Run manifests, `_control/runs/<run-id>.json` (packages/glue/src/market/args.py); the merge reads them too. */
export const RUN_MANIFESTS_PREFIX = `${PREFIX.control}runs/`;

/** Code, not data: kept out of the data bucket's lifecycle rules and out of the pipeline functions' grants. */
export const glueAssets = new sst.aws.Bucket("GlueAssets");

export const transformScript = new aws.s3.BucketObjectv2("TransformScript", {
  bucket: glueAssets.name,
  key: "glue/market_transform.py",
  source: $asset(TRANSFORM_SCRIPT),
});

/** The `market` package the script imports, zipped with `market/` at its root as `--extra-py-files` wants it. */
export const transformLibrary = new aws.s3.BucketObjectv2("TransformLibrary", {
  bucket: glueAssets.name,
  key: "glue/market.zip",
  source: new $util.asset.AssetArchive({ market: new $util.asset.FileArchive(TRANSFORM_LIBRARY) }),
});

export const transformRole = new aws.iam.Role("TransformRole", {
  name: `${prefix}-glue-transform`,
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "glue.amazonaws.com" }),
});

// Glue's own needs (its CloudWatch logs and metrics, network interfaces, its aws-glue-* buckets): AWS's policy.
new aws.iam.RolePolicyAttachment("TransformServiceRole", {
  role: transformRole.name,
  policyArn: "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole",
});

// The data: read curated/ and the control files (dirty markers, the run's work list); rewrite Parquet partitions
// (Spark's overwrite and the job's renames delete what they replace); write the run manifest. Nothing under raw/,
// quarantine/ or reports/. The wiring test checks these prefixes cover every path the job derives from output_root.
new aws.iam.RolePolicy("TransformDataAccess", {
  role: transformRole.id,
  policy: $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadCode",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: [$interpolate`${glueAssets.arn}/glue/*`],
      },
      { Sid: "ListData", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucket.arn] },
      {
        Sid: "ReadCuratedAndControl",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: [objectsUnder(PREFIX.curated), objectsUnder(PREFIX.control)],
      },
      {
        Sid: "WriteOutputs",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        Resource: [objectsUnder(PREFIX.parquet), objectsUnder(RUN_MANIFESTS_PREFIX)],
      },
    ],
  }),
});

export const transformJob = new aws.glue.Job("TransformJob", {
  name: TRANSFORM_JOB_NAME,
  roleArn: transformRole.arn,
  glueVersion: "5.0",
  command: {
    name: "glueetl",
    pythonVersion: "3",
    scriptLocation: $interpolate`s3://${glueAssets.name}/${transformScript.key}`,
  },
  // What packages/glue/src/market/args.py parses, less the per-run ones; the wiring test compares the two.
  defaultArguments: {
    "--job-language": "python",
    "--extra-py-files": $interpolate`s3://${glueAssets.name}/${transformLibrary.key}`,
    "--curated_root": $interpolate`s3://${bucket.name}/${PREFIX.curated}`,
    // The bucket root: the job derives parquet/…, _staging/… and _control/runs/… from it.
    "--output_root": $interpolate`s3://${bucket.name}/`,
    // The work list says what to read; bookmarks would second-guess it.
    "--job-bookmark-option": "job-bookmark-disable",
    "--enable-metrics": "true",
    "--enable-continuous-cloudwatch-log": "true",
  },
  // The smallest Spark job Glue runs: 2 × G.1X (1 DPU each). Glue bills per DPU-second (1-minute minimum).
  workerType: "G.1X",
  numberOfWorkers: 2,
  // One run at a time: a second StartJobRun gets ConcurrentRunsExceededException and start-transform tries next tick.
  executionProperty: { maxConcurrentRuns: 1 },
  timeout: 60,
  // No Glue-side retry: a retry runs under a new JobRunId while the first one reads FAILED, so start-transform
  // would release the markers under it. start-transform is the retry: the next tick takes a failed run's markers.
  maxRetries: 0,
});

/** start-transform's access to the job: start a run and read its state, nothing else. */
export const transformLink = new sst.Linkable("Transform", {
  properties: { name: transformJob.name },
  include: [
    sst.aws.permission({
      actions: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns"],
      resources: [transformJob.arn],
    }),
  ],
});

/**
 * The schedule. Failed invocations are retried twice by EventBridge Scheduler and no DLQ is kept: the next tick
 * does the same work (dirty markers stay until a run takes them).
 */
export const transformSchedule = new sst.aws.CronV2("TransformSchedule", {
  schedule: "rate(15 minutes)",
  retries: 2,
  function: {
    handler: "packages/functions/src/start-transform.handler",
    runtime: RUNTIME,
    timeout: "1 minute",
    memory: "512 MB",
    link: [transformLink],
    environment: { DATA_BUCKET: bucket.name, TRANSFORM_JOB_NAME: transformJob.name },
    permissions: [
      { actions: ["s3:ListBucket"], resources: [bucket.arn] },
      // Reads the dirty markers and run manifests, writes work lists and claims, and deletes the markers a run
      // consumed and the claims it settled (all under _control/; never data).
      { actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: [objectsUnder(PREFIX.control)] },
    ],
  },
});

/** A transform run that did not succeed goes straight to the alerts topic (the raw Glue event is the message). */
export const transformFailedRule = new aws.cloudwatch.EventRule("TransformFailedRule", {
  name: `${prefix}-transform-failed`,
  description: "Glue transform run FAILED, TIMEOUT or STOPPED",
  eventPattern: $jsonStringify({
    source: [GLUE_SOURCE],
    "detail-type": [GLUE_JOB_STATE_CHANGE],
    detail: { jobName: [TRANSFORM_JOB_NAME], state: [...FAILED_STATES] },
  }),
});

new aws.cloudwatch.EventTarget("TransformFailedAlert", {
  rule: transformFailedRule.name,
  arn: alerts.arn,
});
