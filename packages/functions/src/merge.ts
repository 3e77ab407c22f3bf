import { Logger } from "@aws-lambda-powertools/logger";
import { GlueClient } from "@aws-sdk/client-glue";
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import type { GlueJobStateChange } from "./local/spark-job-runner.js";
import { createMergeHandler, type MergeResult } from "./merge/handler.js";
import { glueRunIdOf } from "./merge/run-id.js";
import { alertsTopic, awsPlace, incidentLedger } from "./shared/alerts.js";
import { requiredEnv } from "./shared/env.js";
import { dataBucket } from "./shared/s3.js";
import { DataApi } from "./warehouse/redshift/data-api.js";
import { RedshiftWarehouse } from "./warehouse/redshift/redshift-warehouse.js";

// Clients and adapters once per container; the warehouse migrates on its first merge and remembers it.
const api = new DataApi(new RedshiftDataClient({}), {
  workgroupName: requiredEnv("REDSHIFT_WORKGROUP"),
  database: requiredEnv("REDSHIFT_DATABASE"),
});
const merge = createMergeHandler({
  objects: dataBucket(),
  warehouse: new RedshiftWarehouse(api, {
    bucket: requiredEnv("DATA_BUCKET"),
    copyRoleArn: requiredEnv("REDSHIFT_COPY_ROLE_ARN"),
  }),
  notifier: alertsTopic(requiredEnv("ALERTS_TOPIC_ARN")),
  // The merge reads `_control/` already (run manifests), the incident ledger included.
  incidents: incidentLedger(),
  place: awsPlace(),
  runIdOf: glueRunIdOf(new GlueClient({})),
  logger: new Logger({ serviceName: "merge" }),
});

/** Lambda entry of the merge: EventBridge "Glue Job State Change" events of the transform job. */
export const handler = async (event: GlueJobStateChange): Promise<MergeResult> => merge(event);
