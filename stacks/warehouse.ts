// Warehouse: Redshift Serverless; when a transform run SUCCEEDS, the merge function reads its run manifest and has
// Redshift COPY the run's delta and MERGE it into market_data.fct_bars (a FAILED / TIMEOUT / STOPPED run's alert
// lives in transform.ts). The API reads bars and indicators from here (api.ts links `warehouseReader`).
// Database privileges are not IAM: the functions' database users need one GRANT by an admin (DEPLOY.md).
import { INCIDENTS_PREFIX } from "@market-data/core/alerts/incident";
import { PREFIX } from "@market-data/core/keys";
import { alarmAboveZero, alerts } from "./alerts";
import { prefix, RUNTIME } from "./stage";
import { bucket, objectsUnder } from "./storage";
import {
  GLUE_JOB_STATE_CHANGE,
  GLUE_SOURCE,
  RUN_MANIFESTS_PREFIX,
  TRANSFORM_JOB_NAME,
  transformJob,
} from "./transform";

export const WAREHOUSE_DATABASE = "market_data";

/** The role Redshift assumes for `COPY … IAM_ROLE`: read the run deltas, nothing else. */
export const copyRole = new aws.iam.Role("WarehouseCopyRole", {
  name: `${prefix}-redshift-copy`,
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "redshift.amazonaws.com" }),
});

new aws.iam.RolePolicy("WarehouseCopyAccess", {
  role: copyRole.id,
  policy: $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ListData", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucket.arn] },
      {
        Sid: "ReadDeltas",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: [objectsUnder(`${PREFIX.parquet}delta/`)],
      },
    ],
  }),
});

// The admin password lives in Secrets Manager (managed by Redshift); nothing here ever sees it.
export const namespace = new aws.redshiftserverless.Namespace("WarehouseNamespace", {
  namespaceName: prefix,
  dbName: WAREHOUSE_DATABASE,
  adminUsername: "warehouse_admin",
  manageAdminPassword: true,
  iamRoles: [copyRole.arn],
  defaultIamRoleArn: copyRole.arn,
});

// 8 RPU is the smallest base capacity. Serverless bills RPU-seconds only while queries run (60 s minimum each
// time it wakes), so an idle warehouse costs storage only. In the account's default VPC and not publicly reachable:
// functions reach it through the Redshift Data API (HTTPS + IAM), not a database connection, so none needs a VPC.
export const workgroup = new aws.redshiftserverless.Workgroup("WarehouseWorkgroup", {
  namespaceName: namespace.namespaceName,
  workgroupName: prefix,
  baseCapacity: 8,
  publiclyAccessible: false,
});

// A cost ceiling: past 24 RPU-hours in a day (about 3 hours of queries at base capacity) Redshift stops serving
// queries until the next day instead of billing on. Raise it once real usage is known.
new aws.redshiftserverless.UsageLimit("WarehouseDailyLimit", {
  resourceArn: workgroup.arn,
  usageType: "serverless-compute",
  amount: 24,
  period: "daily",
  breachAction: "deactivate",
});

/**
 * Following the statements a function ran. DescribeStatement, GetStatementResult and CancelStatement have no
 * resource-level permissions (AWS's Service Authorization Reference), so they are limited to the caller's own
 * statements instead.
 */
const ownStatements = sst.aws.permission({
  actions: ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"],
  resources: ["*"],
  conditions: [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, resolved by IAM, not by JS.
    { test: "StringEquals", variable: "redshift-data:statement-owner-iam-userid", values: ["${aws:userid}"] },
  ],
});

/** Temporary database credentials on this workgroup: the database user is `IAMR:<the function's role name>`. */
const temporaryCredentials = sst.aws.permission({
  actions: ["redshift-serverless:GetCredentials"],
  resources: [workgroup.arn],
});

/** The merge's access: statements and transactions (BatchExecuteStatement) on this workgroup. */
export const warehouse = new sst.Linkable("Warehouse", {
  properties: { workgroup: workgroup.workgroupName, database: namespace.dbName, copyRoleArn: copyRole.arn },
  include: [
    sst.aws.permission({
      actions: ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"],
      resources: [workgroup.arn],
    }),
    temporaryCredentials,
    ownStatements,
  ],
});

/** The API's access: single statements only; what they may touch is the database user's SELECT grant (DEPLOY.md). */
export const warehouseReader = new sst.Linkable("WarehouseReader", {
  properties: { workgroup: workgroup.workgroupName, database: namespace.dbName },
  include: [
    sst.aws.permission({ actions: ["redshift-data:ExecuteStatement"], resources: [workgroup.arn] }),
    temporaryCredentials,
    ownStatements,
  ],
});

const defaultBus = aws.cloudwatch.getEventBusOutput({ name: "default" });

/** The merge function, on each SUCCEEDED run of this app's transform job (SST creates the rule and permission). */
export const mergeSubscriber = sst.aws.Bus.subscribe(
  "TransformSucceeded",
  defaultBus.arn,
  {
    handler: "packages/functions/src/merge.handler",
    runtime: RUNTIME,
    timeout: "5 minutes",
    memory: "512 MB",
    link: [warehouse],
    environment: {
      DATA_BUCKET: bucket.name,
      REDSHIFT_WORKGROUP: workgroup.workgroupName,
      REDSHIFT_DATABASE: namespace.dbName,
      REDSHIFT_COPY_ROLE_ARN: copyRole.arn,
      ALERTS_TOPIC_ARN: alerts.arn,
    },
    permissions: [
      // Also what makes a missing manifest answer 404 (an error the merge names) rather than 403.
      { actions: ["s3:ListBucket"], resources: [bucket.arn] },
      // The run manifest (Redshift reads the delta itself, through the COPY role), and the incident ledger,
      // read-only, so a merged run resolves an open failure incident.
      { actions: ["s3:GetObject"], resources: [objectsUnder(RUN_MANIFESTS_PREFIX), objectsUnder(INCIDENTS_PREFIX)] },
      // The event carries Glue's JobRunId; the run's --run_id (which names the manifest) comes from GetJobRun.
      { actions: ["glue:GetJobRun"], resources: [transformJob.arn] },
      // A failed merge publishes its own alert.
      { actions: ["sns:Publish"], resources: [alerts.arn] },
    ],
  },
  {
    pattern: {
      source: [GLUE_SOURCE],
      detailType: [GLUE_JOB_STATE_CHANGE],
      detail: { jobName: [TRANSFORM_JOB_NAME], state: ["SUCCEEDED"] },
    },
  },
);

export const mergeErrorsAlarm = alarmAboveZero("MergeErrorsAlarm", {
  alarmName: "merge-errors",
  description: "The merge function failed an invocation; EventBridge retries it twice, then the run is not merged.",
  namespace: "AWS/Lambda",
  metricName: "Errors",
  statistic: "Sum",
  dimensions: { FunctionName: mergeSubscriber.nodes.function.name },
});
