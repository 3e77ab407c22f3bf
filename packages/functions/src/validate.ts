import { Logger } from "@aws-lambda-powertools/logger";
import { latestPrices } from "./shared/dynamo.js";
import { dataBucket } from "./shared/s3.js";
import { createValidateHandler } from "./validate/handler.js";

/** Lambda entry of the validate function: the ingest queue's subscriber (S3 notifications, partial batch responses). */
export const handler = createValidateHandler(
  { objects: dataBucket(), prices: latestPrices() },
  { logger: new Logger({ serviceName: "validate" }) },
);
