import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoLatestPrices } from "../adapters/dynamo-latest-prices.js";
import { S3ObjectStore } from "../adapters/s3-object-store.js";

// Resource names come from environment variables the stacks set (SST's `Resource` linking is wired in the
// infrastructure issue). Clients are created once per container, at cold start, and reused by every invocation.

/** A required environment variable, or a cold-start error that names it. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`environment variable ${name} is not set`);
  return value;
}

const s3 = new S3Client({});
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

/** The data bucket (`DATA_BUCKET`). */
export const dataBucket = () => new S3ObjectStore(s3, requiredEnv("DATA_BUCKET"));

/** The latest-prices table (`LATEST_PRICES_TABLE`). */
export const latestPrices = () => new DynamoLatestPrices(doc, requiredEnv("LATEST_PRICES_TABLE"));
