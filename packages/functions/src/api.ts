import { handle } from "hono/aws-lambda";
import { createApp } from "./api/app.js";
import { latestPrices } from "./shared/dynamo.js";
import { dataBucket } from "./shared/s3.js";

/** The API app in AWS: S3 for reports, DynamoDB for latest prices, the API key when `API_KEY` is set. */
export const app = createApp({
  objects: dataBucket(),
  prices: latestPrices(),
  apiKey: process.env.API_KEY,
  version: process.env.APP_VERSION,
});

/** Lambda entry for API Gateway (HTTP API v2) or a function URL. */
export const handler = handle(app);
