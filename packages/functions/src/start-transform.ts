import { Logger } from "@aws-lambda-powertools/logger";
import { GlueClient } from "@aws-sdk/client-glue";
import type { ScheduledEvent } from "aws-lambda";
import { GlueJobRunner } from "./adapters/glue-job-runner.js";
import { requiredEnv } from "./shared/env.js";
import { dataBucket } from "./shared/s3.js";
import { type StartTransformResult, startTransform } from "./transform/start-transform.js";

const logger = new Logger({ serviceName: "start-transform" });
const deps = {
  objects: dataBucket(),
  jobs: new GlueJobRunner(new GlueClient({}), requiredEnv("TRANSFORM_JOB_NAME"), requiredEnv("DATA_BUCKET")),
  logger,
};

/** Lambda entry of the transform schedule (CronV2): one tick of start-transform. */
export const handler = async (_event: ScheduledEvent): Promise<StartTransformResult> => startTransform(deps);
