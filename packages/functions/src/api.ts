import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { handle } from "hono/aws-lambda";
import { createApp } from "./api/app.js";
import { latestPrices } from "./shared/dynamo.js";
import { dataBucket } from "./shared/s3.js";
import { DataApi } from "./warehouse/redshift/data-api.js";
import { RedshiftSeriesReader } from "./warehouse/redshift/redshift-reader.js";

// Bars and indicators need the warehouse: linked when the stage has one (REDSHIFT_WORKGROUP), else they answer 503.
const workgroupName = process.env.REDSHIFT_WORKGROUP ?? "";
const warehouse =
  workgroupName === ""
    ? undefined
    : new RedshiftSeriesReader(
        new DataApi(new RedshiftDataClient({}), {
          workgroupName,
          database: process.env.REDSHIFT_DATABASE ?? "market_data",
        }),
      );

/** The API app in AWS: S3 for reports, DynamoDB for latest prices, Redshift for bars, `API_KEY` when set. */
export const app = createApp({
  objects: dataBucket(),
  prices: latestPrices(),
  ...(warehouse === undefined ? {} : { warehouse }),
  apiKey: process.env.API_KEY,
  version: process.env.APP_VERSION,
});

/** Lambda entry for API Gateway (HTTP API v2) or a function URL. */
export const handler = handle(app);
