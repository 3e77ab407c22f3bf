import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { handle } from "hono/aws-lambda";
import { DynamoLatestPrices } from "./adapters/dynamo-latest-prices.js";
import { S3ObjectStore } from "./adapters/s3-object-store.js";
import { createApp } from "./api/app.js";

// Resource names come from env vars for now. The infrastructure issue links the bucket, table and secret
// with SST (`Resource.Data.name`, `Resource.LatestPrices.name`, `Resource.ApiKey.value`); `sst` is not
// installed yet, so this entry reads what the stack will also set as environment variables.
function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`environment variable ${name} is not set`);
  return value;
}

// Clients are created once per container, at cold start, and reused by every invocation.
const s3 = new S3Client({});
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

/** The API app in AWS: S3 for reports, DynamoDB for latest prices, the API key when `API_KEY` is set. */
export const app = createApp({
  objects: new S3ObjectStore(s3, requiredEnv("DATA_BUCKET")),
  prices: new DynamoLatestPrices(doc, requiredEnv("LATEST_PRICES_TABLE")),
  apiKey: process.env.API_KEY,
  version: process.env.APP_VERSION,
});

/** Lambda entry for API Gateway (HTTP API v2) or a function URL. */
export const handler = handle(app);
